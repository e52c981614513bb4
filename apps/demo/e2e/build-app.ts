// The suite drives the built app, as `bash scripts/demo.sh` serves it.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export default async function buildApp(): Promise<void> {
  // Vitest sets NODE_ENV=test, which would give React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: fileURLToPath(new URL('..', import.meta.url)), logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
