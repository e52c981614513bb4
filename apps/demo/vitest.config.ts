import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@porter/source'] },
  ssr: { resolve: { conditions: ['@porter/source'] } },
  test: {
    include: ['test/**/*.test.ts', 'e2e/**/*.test.ts'],
    // Builds the app once; every test starts its own host (sandbox, server) on free ports.
    globalSetup: ['e2e/build-app.ts'],
    // One browser at a time: the machines running this have two cores.
    fileParallelism: false,
    // Far above what a test needs: turbo runs every package's suite at once on two cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
