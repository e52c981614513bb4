// Type-checks the TypeScript samples in the docs against the packages' sources, so a doc cannot
// drift from the API it shows. Every ```ts / ```tsx fence in docs/*.md, README.md and
// packages/*/README.md is compiled as its own module; host functions a sample only names (the
// host's sign-in, its database) are declared in scripts/doc-samples.prelude.d.ts. A sample that
// is partial on purpose says so in its fence: ```ts nocheck.
//   node scripts/check-doc-samples.mjs            check every doc
//   node scripts/check-doc-samples.mjs FILE.md... check these files only
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ts = createRequire(join(root, 'package.json'))('typescript');

const FENCE = /^```(\S*)(.*)$/;
const CHECKED_LANGUAGES = new Set(['ts', 'tsx', 'typescript']);

/** The docs whose samples are checked when no file is named. */
function defaultDocs() {
  const inDir = (dir, keep) =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir))
          .filter(keep)
          .map((name) => join(root, dir, name))
      : [];
  return [
    ...inDir('docs', (name) => name.endsWith('.md')),
    join(root, 'README.md'),
    ...['packages', 'apps']
      .flatMap((dir) => inDir(dir, () => true))
      .map((dir) => join(dir, 'README.md'))
      .filter((file) => existsSync(file)),
  ];
}

/** The checked fences of a Markdown file: code, language and the line the code starts on. */
export function extractSamples(markdown) {
  const samples = [];
  let open = null;
  markdown.split('\n').forEach((line, index) => {
    const fence = FENCE.exec(line.trim());
    if (!open) {
      if (!fence) return;
      const [, language, rest] = fence;
      open = {
        language,
        checked: CHECKED_LANGUAGES.has(language) && !/\bnocheck\b/.test(rest),
        firstLine: index + 2,
        lines: [],
      };
      return;
    }
    if (line.trim() === '```') {
      if (open.checked) samples.push({ ...open, code: open.lines.join('\n') });
      open = null;
      return;
    }
    open.lines.push(line);
  });
  return samples;
}

/** Every workspace package's entry points, mapped to their sources (what tests run). */
function workspacePaths() {
  const paths = {};
  for (const dir of ['packages', 'apps']) {
    if (!existsSync(join(root, dir))) continue;
    for (const name of readdirSync(join(root, dir))) {
      const manifestPath = join(root, dir, name, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
        const source = typeof target === 'object' ? target['@porter/source'] : undefined;
        if (!source) continue;
        const specifier = subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`;
        paths[specifier] = [join(root, dir, name, source)];
      }
    }
  }
  return paths;
}

// Other imports are found in any workspace package's dependencies (a React doc needs React's).
function dependencyDirs() {
  const dirs = [join(root, 'node_modules')];
  for (const dir of ['packages', 'apps']) {
    if (!existsSync(join(root, dir))) continue;
    for (const name of readdirSync(join(root, dir))) {
      const modules = join(root, dir, name, 'node_modules');
      if (existsSync(modules)) dirs.push(modules);
    }
  }
  return dirs;
}

/**
 * Compiles the samples of `files`; resolves with one readable line per error
 * (`docs/server.md:42:7 TS2304 Cannot find name 'x'.`), none when every sample compiles.
 */
export function checkDocSamples(files = defaultDocs()) {
  const dir = mkdtempSync(join(tmpdir(), 'doc-samples-'));
  try {
    const origins = new Map();
    const rootNames = [join(root, 'scripts', 'doc-samples.prelude.d.ts')];
    let count = 0;
    for (const file of files) {
      for (const sample of extractSamples(readFileSync(file, 'utf8'))) {
        count += 1;
        const extension = sample.language === 'tsx' ? 'tsx' : 'ts';
        const path = join(dir, `sample-${count}.${extension}`);
        // A module of its own: names never clash between samples, and top-level await works.
        writeFileSync(path, `${sample.code}\nexport {};\n`);
        origins.set(path, { file, firstLine: sample.firstLine });
        rootNames.push(path);
      }
    }
    const base = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.base.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    );
    const modules = dependencyDirs();
    const options = {
      ...base.options,
      noEmit: true,
      jsx: ts.JsxEmit.ReactJSX,
      types: ['node'],
      typeRoots: modules.map((modulesDir) => join(modulesDir, '@types')),
      paths: {
        ...workspacePaths(),
        // Type packages first: a JavaScript package found first would be an untyped `any`.
        '*': [
          ...modules.map((modulesDir) => join(modulesDir, '@types', '*')),
          ...modules.map((modulesDir) => join(modulesDir, '*')),
        ],
      },
    };
    const program = ts.createProgram(rootNames, options);
    const errors = [];
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      const origin = diagnostic.file && origins.get(resolve(diagnostic.file.fileName));
      if (!origin || diagnostic.start === undefined) {
        const where = diagnostic.file ? relative(root, diagnostic.file.fileName) : 'tsc';
        errors.push(`${where}: TS${diagnostic.code} ${message}`);
        continue;
      }
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const at = `${relative(root, origin.file)}:${origin.firstLine + line}:${character + 1}`;
      errors.push(`${at} TS${diagnostic.code} ${message}`);
    }
    return { count, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2).map((file) => resolve(file));
  const { count, errors } = checkDocSamples(files.length > 0 ? files : undefined);
  for (const error of errors) console.error(error);
  console.log(`Doc samples: ${count} checked, ${errors.length} error(s).`);
  if (errors.length > 0) process.exit(1);
}
