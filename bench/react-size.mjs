// Prints the minified + gzipped size of the React package and fails when a part is over its
// budget; like bench/size.mjs, every budget is 5% or more above the measured size. Run by
// bench/size.mjs (pnpm bench:size).
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const reactSrc = fileURLToPath(new URL('../packages/react/src/', import.meta.url));
const HEADROOM = 0.05;

// What a page that runs the flow imports: every export but the connections list (issue 16's
// useCloudConnections and ConnectionList parts), which such a page tree-shakes away.
const FLOW_EXPORTS =
  'CloudConnect, useCloudConnectContext, partMessage, partMessages, errorActionOf, formatElapsed, mergeProps, selectStage, useAccountIdField, useCloudConnectActorRef, useCloudConnectError, useCloudConnectSelector, useCloudConnectStatus, useCloudConnectStep, useCloudConnect, useCloudConnectActor';
const ALL_BUT_REACT = ['react', 'react-dom'];
const REACT_LAYER_ONLY = [...ALL_BUT_REACT, 'xstate', '@xstate/react', '@porter/cloud-connect'];

const parts = [
  // The React layer alone: what the package adds on top of React, XState and core. The 4 KB
  // target predates the connections list; nineteen parts with their default English content
  // (labels, troubleshooting, error actions) and the actor lifecycle take ~5.8 KB of it.
  {
    name: 'react entry',
    budget: 7936,
    target: 4096,
    stdin: "export * from './index';",
    external: REACT_LAYER_ONLY,
  },
  // Everything a partner ships for the flow besides React itself: core, the React layer, XState
  // and @xstate/react. XState alone is ~13 KB of it; core's share is docs/machine.md's (Size).
  {
    name: 'partner bundle (flow)',
    budget: 33280,
    target: 25600,
    stdin: `export { ${FLOW_EXPORTS} } from './index';\nexport { createHttpBackend } from '@porter/cloud-connect';`,
    external: ALL_BUT_REACT,
  },
  // The same with the connections list, for a page that shows both.
  {
    name: 'partner bundle + list',
    budget: 34816,
    stdin: "export * from './index';\nexport { createHttpBackend } from '@porter/cloud-connect';",
    external: ALL_BUT_REACT,
  },
];

const pad = (value, width) => String(value).padStart(width);
let over = false;
let tight = false;
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
  const headroom = (part.budget - gzipped) / part.budget;
  over ||= headroom < 0;
  tight ||= headroom >= 0 && headroom < HEADROOM;
  const state = headroom < 0 ? 'OVER BUDGET' : headroom < HEADROOM ? 'ok, under 5% headroom' : 'ok';
  const target =
    part.target === undefined
      ? ''
      : `  target ${part.target} B ${gzipped <= part.target ? 'met' : `missed by ${gzipped - part.target} B`}`;
  console.log(
    `${part.name.padEnd(24)} ${pad(code.length, 7)} B min  ${pad(gzipped, 6)} B gzip  budget ${pad(part.budget, 5)} B  ${pad((100 * headroom).toFixed(1), 5)}% headroom  ${state}${target}`,
  );
}
if (tight)
  console.warn('A budget has less than 5% headroom: raise it on purpose, or shrink the part.');
if (over) {
  console.error('A part of the React package is over its size budget.');
  process.exit(1);
}
