import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@porter/source'] },
  ssr: { resolve: { conditions: ['@porter/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/bin.js once: the tests run the built command as a subprocess.
    globalSetup: ['test/support/build-once.ts'],
    // Each test starts processes and waits on a (fast) simulated AWS: generous, not tight.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
