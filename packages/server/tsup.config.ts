import { defineConfig } from 'tsup';

export default defineConfig({
  // One file per public entry: the main entry is runtime-neutral, the others are Node-only.
  entry: ['src/index.ts', 'src/node.ts', 'src/sqlite.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
