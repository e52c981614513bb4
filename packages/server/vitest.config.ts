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
    // A real PostgreSQL server for the store contract, multi-instance and fault tests.
    globalSetup: ['test/support/postgres-global-setup.ts'],
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Tests never reach real AWS: no ambient profile or region may leak in.
      AWS_PROFILE: 'cloud-connect-test-none',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  },
});
