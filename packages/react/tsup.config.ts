import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Every entry is a client module for React Server Components frameworks (Next.js app router).
  banner: { js: "'use client';" },
});
