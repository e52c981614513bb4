import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  // The workspace's packages are used from source, as in every test of the repository.
  resolve: { conditions: ['@porter/source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true },
});
