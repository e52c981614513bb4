// Prints the minified + gzipped size of what pages bundle from the core package, without xstate
// (core's own bytes) and with it (what a partner really ships), and fails when a part is over
// its budget. Budgets are set 5% or more above the measured size, so growth is a decision.
// Run: pnpm bench:size
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const coreSrc = fileURLToPath(new URL('../packages/core/src/', import.meta.url));
const HEADROOM = 0.05;

// The domain part: everything a page needs to read account IDs and build links, no machine.
const DOMAIN_MODULES = [
  'account-id',
  'errors',
  'messages',
  'partitions',
  'quick-create-url',
  'stacks-console-url',
  'role-arn',
  'permission-catalog',
];
// What a typical embedding page imports (tree-shaken).
const TYPICAL_PAGE =
  "export { createCloudConnect, connect, createHttpBackend, parseAccountId, formatAccountId, permissionList } from './index';";

const parts = [
  {
    name: 'parseAccountId alone',
    budget: 768,
    target: 1024,
    stdin: "export { parseAccountId } from './index';",
  },
  {
    name: 'domain',
    budget: 4608,
    stdin: DOMAIN_MODULES.map((m) => `export * from './${m}';`).join('\n'),
  },
  // The 8 KB target predates the hardening, stack events and connections behaviour the page
  // now carries; docs/machine.md (Size) shows where the bytes go.
  { name: 'typical page', budget: 12416, target: 8192, stdin: TYPICAL_PAGE },
  { name: 'core browser entry', budget: 14848, stdin: "export * from './index';" },
  // What a partner ships: the same page with xstate bundled in.
  { name: 'typical page + xstate', budget: 26368, stdin: TYPICAL_PAGE, xstate: true },
  // For information: the whole catalog, which only messageFor/defaultMessages pull in.
  { name: 'whole message catalog', stdin: "export { defaultMessages } from './messages';" },
];

const pad = (value, width) => String(value).padStart(width);
let over = false;
let tight = false;
for (const part of parts) {
  const result = await build({
    stdin: { contents: part.stdin, resolveDir: coreSrc, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: part.xstate ? [] : ['xstate'],
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
  console.error('A part of the core package is over its size budget.');
  process.exit(1);
}

// The React package's parts (react entry, partner bundle): bench/react-size.mjs.
await import('./react-size.mjs');
