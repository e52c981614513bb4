import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConnectSession } from '@porter/cloud-connect';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as MainEntry from '../src/index';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const NODE_BUILTINS = new Set(builtinModules);

// Fails the build on any Node built-in, naming who imports it: a worker has none of them.
const refuseNodeBuiltins: Plugin = {
  name: 'refuse-node-builtins',
  setup(plugin) {
    plugin.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.replace(/^node:/, '').split('/')[0] ?? '';
      if (!args.path.startsWith('node:') && !NODE_BUILTINS.has(bare)) return undefined;
      return {
        errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer}` }],
      };
    });
  },
};

/** Bundles an entry the way a worker's bundler does: no Node, the packages' browser builds. */
function bundleForEdge(entry: string) {
  return build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    // 'browser' applies package.json `browser` maps (the AWS SDK's fetch-based runtime config).
    platform: 'browser',
    conditions: ['@porter/source', 'worker'],
    logLevel: 'silent',
    plugins: [refuseNodeBuiltins],
  });
}

let dir: string;
let entry: typeof MainEntry;

beforeAll(async () => {
  const result = await bundleForEdge(`${src}index.ts`);
  dir = mkdtempSync(join(tmpdir(), 'cloud-connect-edge-'));
  const file = join(dir, 'server.mjs');
  writeFileSync(file, result.outputFiles[0]?.contents ?? '');
  entry = (await import(pathToFileURL(file).href)) as typeof MainEntry;
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the main entry on an edge runtime', () => {
  it('bundles for a platform without Node built-ins, and the guard refuses one that sneaks in', async () => {
    // The SQLite entry needs better-sqlite3, which needs fs and path: the guard must say so.
    const failed = await bundleForEdge(`${src}sqlite.ts`).then(
      () => 'built',
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/Node built-in "(node:)?\w+" imported by .*better-sqlite3/);
    expect(typeof entry.createCloudConnectHandler).toBe('function');
    expect('toNodeListener' in entry).toBe(false);
    expect('createSqliteStore' in entry).toBe(false);
  });

  it('runs the bundled handler on Request/Response with a memory store', async () => {
    const checks: string[] = [];
    const handler = entry.createCloudConnectHandler({
      verifier: {
        async checkConnection(target) {
          checks.push(target.externalId);
          return { status: 'pending', reason: 'not-assumable' };
        },
        async checkRevocation() {
          return { status: 'revoked' };
        },
      },
      store: entry.createMemoryStore(),
      authenticate: async () => ({ tenantId: 'tenant-edge' }),
      listBlockers: async () => [],
      config: {
        region: 'us-east-1',
        templateUrl: 'https://porter-templates.s3.us-east-1.amazonaws.com/porter-role.json',
        trustedPrincipalArn: 'arn:aws:iam::111122223333:role/porter-vendor',
        basePath: '/api/cloud-connect',
      },
    });
    const post = (path: string, body: unknown) =>
      handler(
        new Request(`https://edge.example.com/api/cloud-connect${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );

    const created = await post('/sessions', { accountId: '0123-4567-8901' });
    expect(created.status).toBe(201);
    const { session } = (await created.json()) as { session: ConnectSession };
    // Web Crypto minted both: a v4 UUID and 192 random bits of ExternalId.
    expect(session.sessionId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(session.externalId).toMatch(/^cc-[A-Za-z0-9_-]{32}$/);

    const checked = await post(`/sessions/${session.sessionId}/check`, {});
    expect(checked.status).toBe(200);
    expect(await checked.json()).toEqual({ check: { status: 'pending', reason: 'not-assumable' } });
    expect(checks).toEqual([session.externalId]);
  });

  it('bundles createAwsVerifier too (the AWS SDK clients in their fetch-based builds)', () => {
    const verifier = entry.createAwsVerifier({ region: 'eu-west-1' });
    expect(typeof verifier.checkConnection).toBe('function');
  });
});
