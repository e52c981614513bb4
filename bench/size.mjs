// Prints the minified + gzipped size of the core package's browser entry (xstate excluded)
// and fails when a part is over its budget. Run: pnpm bench:size
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const coreSrc = fileURLToPath(new URL('../packages/core/src/', import.meta.url));

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

const parts = [
  {
    name: 'domain',
    budget: 4096,
    stdin: DOMAIN_MODULES.map((m) => `export * from './${m}';`).join('\n'),
  },
  // Issue 3 aimed at 8192 B; the machine, connect() and the HTTP client add ~7.5 KB gzip on their
  // own (docs/machine.md, Size), so the budget guards growth and the target is printed beside it.
  {
    name: 'core browser entry',
    budget: 12288,
    target: 8192,
    stdin: "export * from './index';",
  },
  // For information: what a typical embedding page imports (tree-shaken).
  {
    name: 'typical page',
    stdin:
      "export { createCloudConnect, connect, createHttpBackend, parseAccountId, formatAccountId, permissionList } from './index';",
  },
  // For information: the shared message catalog's share of both parts (every package adds to it).
  { name: 'message catalog', stdin: "export * from './messages';" },
];

let over = false;
for (const part of parts) {
  const result = await build({
    stdin: { contents: part.stdin, resolveDir: coreSrc, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['xstate'],
    write: false,
  });
  const code = result.outputFiles[0].contents;
  const gzipped = gzipSync(code, { level: 9 }).length;
  const ok = part.budget === undefined || gzipped <= part.budget;
  over ||= !ok;
  const verdict =
    part.budget === undefined
      ? '(no budget)'
      : `budget ${part.budget} B  ${ok ? 'ok' : 'OVER BUDGET'}`;
  const target =
    part.target === undefined
      ? ''
      : `  target ${part.target} B ${gzipped <= part.target ? 'met' : `missed by ${gzipped - part.target} B`}`;
  console.log(
    `${part.name.padEnd(20)} ${String(code.length).padStart(7)} B min  ${String(gzipped).padStart(6)} B gzip  ${verdict}${target}`,
  );
}
if (over) {
  console.error('A part of the core package is over its size budget.');
  process.exit(1);
}

// The React package's parts (react entry, partner bundle): bench/react-size.mjs.
await import('./react-size.mjs');
