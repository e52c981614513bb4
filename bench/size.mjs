// Prints the minified + gzipped size of what pages bundle from the core package, without xstate
// (core's own bytes) and with it (what a partner really ships), and fails when a part is over
// its budget (bench/size-report.mjs). Run: pnpm bench:size
import { fileURLToPath } from 'node:url';
import { reportSizes } from './size-report.mjs';

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
  { name: 'typical page + xstate', budget: 26368, stdin: TYPICAL_PAGE, external: [] },
  // For information: the whole catalog, which only messageFor/defaultMessages pull in.
  { name: 'whole message catalog', stdin: "export { defaultMessages } from './messages';" },
];

// Core's own bytes: xstate stays out unless a part says otherwise.
await reportSizes(
  'the core package',
  coreSrc,
  {},
  parts.map((part) => ({ external: ['xstate'], ...part })),
);

// The React package's parts (react entry, partner bundle): bench/react-size.mjs.
await import('./react-size.mjs');
