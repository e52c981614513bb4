import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@porter/source'] },
  ssr: { resolve: { conditions: ['@porter/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // Property and fuzz runs are bounded by count (fast-check's 100 runs), not by time: on a
    // loaded 2-core machine they take far longer than Vitest's 5 s default, and that is no failure.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
