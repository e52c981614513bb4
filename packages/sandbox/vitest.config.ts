import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@porter/source'] },
  ssr: { resolve: { conditions: ['@porter/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // The AWS SDK warns on Node 20 at every client creation; the tests run on Node 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
