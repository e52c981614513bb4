import { fileURLToPath } from 'node:url';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Debian's Chromium, never a downloaded browser; the flags keep it off the network. A new object
// per project: Vitest names each project's instances in place.
const browser = () => ({
  enabled: true,
  headless: true,
  provider: playwright({
    launchOptions: {
      // Playwright turns the popup blocker off; the popup fallback is tested against the real one.
      ignoreDefaultArgs: ['--disable-popup-blocking'],
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  }),
  instances: [{ browser: 'chromium' as const }],
  // Five projects start Chromium and pre-bundle at once; on a loaded 2-core machine that can take
  // minutes, which is no failure (Vitest's default is 30 s).
  connectTimeout: 300_000,
  screenshotFailures: false,
});

const setupFiles = ['test/setup.ts'];

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  plugins: [react()],
  // Workspace packages from source; the defaults stay (react-dom/server's browser build, ...).
  resolve: { conditions: ['@porter/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@porter/source', ...defaultServerConditions] } },
  optimizeDeps: {
    // Everything the tests import, found up front: a discovery mid-run reloads the test page.
    include: [
      'react',
      'react-dom',
      'react-dom/client',
      'react-dom/server',
      'react/jsx-dev-runtime',
      '@xstate/react',
      '@testing-library/react',
      'axe-core',
      'xstate',
    ],
  },
  test: {
    // Generous bounds: a loaded 2-core machine runs the browser projects side by side, and a
    // slow run is no failure (every project extends these).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'react-19',
          include: ['test/**/*.test.tsx'],
          exclude: ['test/**/*.ssr.test.tsx'],
          setupFiles,
          browser: browser(),
          provide: { reactMajor: '19' },
        },
      },
      {
        // The peer range starts at React 18.2: the same tests against React 18.
        extends: true,
        resolve: {
          alias: [
            { find: /^react$/, replacement: here('node_modules/react-18/index.js') },
            { find: /^react\/(.*)$/, replacement: here('node_modules/react-18/$1.js') },
            { find: /^react-dom$/, replacement: here('node_modules/react-dom-18/index.js') },
            { find: /^react-dom\/(.*)$/, replacement: here('node_modules/react-dom-18/$1.js') },
          ],
        },
        // Its own dependency cache, so React 18 and 19 pre-bundles never mix.
        cacheDir: here('node_modules/.vite-react-18'),
        test: {
          name: 'react-18',
          include: ['test/**/*.test.tsx'],
          exclude: ['test/**/*.ssr.test.tsx'],
          setupFiles,
          browser: browser(),
          provide: { reactMajor: '18' },
        },
      },
      {
        // bench/render-counts.test.tsx: render counts while typing (a budget, not a timing).
        extends: true,
        test: {
          name: 'render-counts',
          include: ['bench/render-counts.test.tsx'],
          setupFiles,
          browser: browser(),
        },
      },
      {
        // Server rendering where no window or document exists.
        extends: true,
        test: { name: 'ssr', include: ['test/**/*.ssr.test.tsx'], environment: 'node' },
      },
      {
        extends: true,
        plugins: [storybookTest({ configDir: here('.storybook') })],
        test: { name: 'storybook', browser: browser(), setupFiles: ['.storybook/vitest.setup.ts'] },
      },
    ],
  },
});
