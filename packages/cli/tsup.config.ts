import { defineConfig, type Options } from 'tsup';

/** The `porter-connect` executable: ESM only, no types (nothing imports it). Tests build it alone. */
export const binConfig: Options = {
  entry: ['src/bin.ts'],
  format: ['esm'],
  sourcemap: true,
  target: 'es2022',
};

export default defineConfig([
  {
    // `run(argv)`: the command as a function, for scripts and tests that do not spawn a process.
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    // The template command finds core's template files from import.meta.url, in CJS too.
    shims: true,
  },
  binConfig,
]);
