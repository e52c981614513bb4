import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const serverSrc = fileURLToPath(new URL('../src/', import.meta.url));
// Samples are files in memory only, in this folder, so imports resolve as from the package.
const dir = fileURLToPath(new URL('./', import.meta.url));

/** The ```ts blocks of a doc that follow a `<!-- compile-check -->` line. */
function checkedSamples(doc: string): string[] {
  const text = readFileSync(`${root}${doc}`, 'utf8');
  return [...text.matchAll(/<!-- compile-check -->\n```ts\n([\s\S]*?)\n```/g)].map(
    (match) => match[1] ?? '',
  );
}

/**
 * Type errors of each code text, compiled as modules beside the tests (imports resolve to the
 * package's source) in one program, so the slow part (the AWS SDK's types) is checked once.
 */
function typeErrors(codes: readonly string[]): string[][] {
  const files = codes.map((_, index) => `${dir}doc-sample-${index}.ts`);
  const sources = new Map(files.map((name, index) => [name, codes[index] ?? '']));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ['@porter/source'],
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
    paths: {
      '@porter/cloud-connect-server': [`${serverSrc}index.ts`],
      '@porter/cloud-connect-server/*': [`${serverSrc}*.ts`],
    },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => sources.get(name) ?? readFile(name);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => sources.has(name) || fileExists(name);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language) => {
    const code = sources.get(name);
    return code === undefined
      ? getSourceFile(name, language)
      : ts.createSourceFile(name, code, language);
  };
  const program = ts.createProgram(files, options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  return files.map((name) =>
    diagnostics
      .filter((d) => d.file?.fileName === name)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  );
}

describe('docs/server.md samples', () => {
  it('compile against the package, and a sample with a mistake would not', () => {
    const samples = checkedSamples('docs/server.md');
    expect(samples.some((sample) => sample.includes('export default {'))).toBe(true);
    const broken = `${samples[0]}\nconst wrong: number = 'text';`;
    const errors = typeErrors([...samples, broken]);
    expect(errors.slice(0, samples.length)).toEqual(samples.map(() => []));
    expect(errors.at(-1)).toEqual([expect.stringContaining("'string' is not assignable")]);
  }, 120_000);
});
