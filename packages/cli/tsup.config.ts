import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // `run(argv)`: the command as a function, for scripts and tests that do not spawn a process.
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
  },
  {
    // The `porter-connect` executable: ESM only, no types (nothing imports it).
    entry: ['src/bin.ts'],
    format: ['esm'],
    sourcemap: true,
    target: 'es2022',
  },
]);
