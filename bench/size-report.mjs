// Bundles each part with esbuild (minified ESM for browsers, ES2022), gzips it and prints one
// line per part: its size, its budget with the headroom left, and its target where it has one.
// Budgets are set 5% or more above the measured size, so growth is a decision. Used by
// bench/size.mjs and bench/react-size.mjs.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const HEADROOM = 0.05;
const pad = (value, width) => String(value).padStart(width);

/**
 * Measures `parts` ({ name, budget?, target?, stdin, external }: `stdin` is the page's imports,
 * `external` what it does not bundle), each resolved from `resolveDir` with the package's own
 * esbuild `options`, and prints them; exits 1, naming `packageName`, when a part is over its
 * budget, and warns when one has less than 5% headroom.
 */
export async function reportSizes(packageName, resolveDir, options, parts) {
  let over = false;
  let tight = false;
  for (const part of parts) {
    const result = await build({
      ...options,
      stdin: { contents: part.stdin, resolveDir, loader: 'ts' },
      external: part.external,
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
    });
    const code = result.outputFiles[0].contents;
    const gzipped = gzipSync(code, { level: 9 }).length;
    let verdict = '(no budget)';
    if (part.budget !== undefined) {
      const headroom = (part.budget - gzipped) / part.budget;
      over ||= headroom < 0;
      tight ||= headroom >= 0 && headroom < HEADROOM;
      const state =
        headroom < 0 ? 'OVER BUDGET' : headroom < HEADROOM ? 'ok, under 5% headroom' : 'ok';
      verdict = `budget ${pad(part.budget, 5)} B  ${pad((100 * headroom).toFixed(1), 5)}% headroom  ${state}`;
    }
    const target =
      part.target === undefined
        ? ''
        : `  target ${part.target} B ${gzipped <= part.target ? 'met' : `missed by ${gzipped - part.target} B`}`;
    console.log(
      `${part.name.padEnd(24)} ${pad(code.length, 7)} B min  ${pad(gzipped, 6)} B gzip  ${verdict}${target}`,
    );
  }
  if (tight)
    console.warn('A budget has less than 5% headroom: raise it on purpose, or shrink the part.');
  if (over) {
    console.error(`A part of ${packageName} is over its size budget.`);
    process.exit(1);
  }
}
