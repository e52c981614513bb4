import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));

// The published entry is one file (tsup bundles src/index.ts), so `sideEffects: false` cannot
// drop the machine's module: only pure top-level code can go. Build it that way, then bundle a
// page that imports from it, as a host's bundler would.
async function pageImporting(names: string): Promise<string> {
  const entry = await build({
    entryPoints: [`${src}index.ts`],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    external: ['xstate'],
    write: false,
  });
  const published = entry.outputFiles[0]?.text ?? '';
  const page = await build({
    stdin: { contents: `export { ${names} } from '@porter/cloud-connect';`, loader: 'ts' },
    bundle: true,
    format: 'esm',
    write: false,
    plugins: [
      {
        name: 'published-entry',
        setup(plugin) {
          plugin.onResolve({ filter: /^@porter\/cloud-connect$/ }, () => ({
            path: 'index.js',
            namespace: 'published',
          }));
          plugin.onResolve({ filter: /^xstate$/ }, () => ({ path: 'xstate', external: true }));
          plugin.onLoad({ filter: /.*/, namespace: 'published' }, () => ({
            contents: published,
            loader: 'js',
          }));
        },
      },
    ],
  });
  return page.outputFiles[0]?.text ?? '';
}

describe('the published entry tree-shakes', () => {
  it('a page that only reads account IDs and builds links gets no machine', async () => {
    const page = await pageImporting('parseAccountId, formatAccountId, quickCreateUrl');
    expect(page).toContain('function parseAccountId');
    expect(page).not.toContain('cloudConnect');
    expect(page).not.toContain('firstCheckMs');
  });

  it('a page that only parses account IDs gets only the account ID messages', async () => {
    const page = await pageImporting('parseAccountId');
    expect(page).toContain('accountId.wrongLength');
    for (const other of ['error.NETWORK', 'status.ready', 'permission.eks', 'link.stackName']) {
      expect(page).not.toContain(other);
    }
  });

  it('a page that runs the flow still gets the machine', async () => {
    const page = await pageImporting('createCloudConnect');
    expect(page).toContain('cloudConnect');
    expect(page).toContain('firstCheckMs');
  });
});
