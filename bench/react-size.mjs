// Prints the minified + gzipped size of the React package and fails when a part is over its
// budget (bench/size-report.mjs). Run by bench/size.mjs (pnpm bench:size).
import { fileURLToPath } from 'node:url';
import { reportSizes } from './size-report.mjs';

const reactSrc = fileURLToPath(new URL('../packages/react/src/', import.meta.url));

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

await reportSizes(
  'the React package',
  reactSrc,
  {
    jsx: 'automatic',
    conditions: ['@porter/source', 'module'],
    define: { 'process.env.NODE_ENV': '"production"' },
  },
  parts,
);
