// Regenerates the screenshots README and docs show: runs the end-to-end tests that take them
// (each test saves its screenshots under apps/demo/screenshots/), then copies a few to docs/images/.
//   pnpm --filter @porter/cloud-connect-demo doc-images
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const docsImages = fileURLToPath(new URL('../../../docs/images', import.meta.url));
const SHOTS = [
  'connect-launch',
  'connect-slow-troubleshooting',
  'connect-connected',
  'revoke-blocked',
];

const run = spawnSync(
  join(appRoot, 'node_modules/.bin/vitest'),
  ['run', 'e2e/connect.test.ts', 'e2e/troubleshooting.test.ts', 'e2e/revoke.test.ts'],
  { cwd: appRoot, stdio: 'inherit' },
);
if (run.status !== 0) {
  console.error('The end-to-end tests failed; docs/images/ was left as it was.');
  process.exit(1);
}
mkdirSync(docsImages, { recursive: true });
for (const name of SHOTS) {
  copyFileSync(join(appRoot, 'screenshots', `${name}.png`), join(docsImages, `${name}.png`));
  console.log(`docs/images/${name}.png`);
}
