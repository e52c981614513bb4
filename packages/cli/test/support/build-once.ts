import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { binConfig } from '../../tsup.config';

/** Vitest global setup: builds dist/bin.js with the package's own config, so tests run the real bin. */
export default async function buildOnce(): Promise<void> {
  const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
  const cwd = process.cwd();
  // tsup resolves entries and outDir against the working directory.
  process.chdir(packageRoot);
  try {
    await build({ ...binConfig, config: false, silent: true });
  } finally {
    process.chdir(cwd);
  }
}
