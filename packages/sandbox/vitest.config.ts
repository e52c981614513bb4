import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@porter/source'] },
  ssr: { resolve: { conditions: ['@porter/source'] } },
  test: {
    // Property and fuzz runs are bounded by count (fast-check's 100 runs), not by time: on a
    // loaded 2-core machine they take far longer than Vitest's 5 s default, and that is no failure.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    include: ['test/**/*.test.ts'],
    // The AWS SDK warns on Node 20 at every client creation; the tests run on Node 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
