// Prints the minified + gzipped size of the React package and fails when a part is over its
// budget. Run by bench/size.mjs (pnpm bench:size).
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const reactSrc = fileURLToPath(new URL('../packages/react/src/', import.meta.url));

const parts = [
  // The React layer alone: what the package adds on top of React, XState and core. The issue
  // aimed at 4096 B; nineteen parts with their default English content (labels, troubleshooting,
  // error actions) and the actor lifecycle take ~5.6 KB, so the budget guards growth and the
  // target is printed beside it. The connections list (useCloudConnections and the
  // ConnectionList parts) adds ~1.6 KB, which a page without them tree-shakes away.
  {
    name: 'react entry',
    budget: 7680,
    target: 4096,
    stdin: "export * from './index';",
    external: ['react', 'react-dom', 'xstate', '@xstate/react', '@porter/cloud-connect'],
  },
  // Everything a partner ships for the flow besides React itself: core, the React layer, XState
  // and @xstate/react. Target 25 KB; the machine's size is core's to cut (docs/machine.md, Size).
  {
    name: 'partner bundle',
    budget: 32768,
    target: 25600,
    stdin: "export * from './index';\nexport { createHttpBackend } from '@porter/cloud-connect';",
    external: ['react', 'react-dom'],
  },
];

let over = false;
for (const part of parts) {
  const result = await build({
    stdin: { contents: part.stdin, resolveDir: reactSrc, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    conditions: ['@porter/source', 'module'],
    define: { 'process.env.NODE_ENV': '"production"' },
    external: part.external,
    write: false,
  });
  const code = result.outputFiles[0].contents;
  const gzipped = gzipSync(code, { level: 9 }).length;
  const ok = gzipped <= part.budget;
  over ||= !ok;
  const target = `target ${part.target} B ${gzipped <= part.target ? 'met' : `missed by ${gzipped - part.target} B`}`;
  console.log(
    `${part.name.padEnd(20)} ${String(code.length).padStart(7)} B min  ${String(gzipped).padStart(6)} B gzip  budget ${part.budget} B  ${ok ? 'ok' : 'OVER BUDGET'}  ${target}`,
  );
}
if (over) {
  console.error('A part of the React package is over its size budget.');
  process.exit(1);
}
