import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@porter/source'] },
  ssr: { resolve: { conditions: ['@porter/source'] } },
  test: { include: ['test/**/*.test.ts'] },
});
