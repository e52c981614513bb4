// The demo's own API at its edges: the sign-in cookie decides the tenant, bad input gets a
// stable code, and no request makes it fail with a 500.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoHost, startDemoHost } from '../server/demo-host';

const ACCOUNT = '123456789012';
let host: DemoHost;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'northwind-api-'));
  host = await startDemoHost({
    port: 0,
    dataDir,
    appDir: fileURLToPath(new URL('../dist', import.meta.url)),
    mode: { kind: 'sandbox', port: 0 },
  });
});
afterAll(async () => {
  await host.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A browser's cookie: what the first page load sets. */
async function signIn(): Promise<string> {
  const page = await fetch(new URL('/connect', host.url));
  await page.body?.cancel();
  const cookie = page.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('The page set no sign-in cookie.');
  return cookie;
}

function call(cookie: string, path: string, init: { method?: string; body?: unknown } = {}) {
  return fetch(new URL(path, host.url), {
    method: init.method ?? 'GET',
    headers: { cookie, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

describe('the demo API', () => {
  it('gives every browser a tenant of its own: one never sees the clusters of another', async () => {
    const [alice, bob] = [await signIn(), await signIn()];
    expect(alice).not.toBe(bob);
    const created = await call(alice, '/api/demo/clusters', {
      method: 'POST',
      body: { accountId: ACCOUNT },
    });
    expect(created.status).toBe(200);
    const { cluster } = (await created.json()) as { cluster: { id: string; name: string } };
    expect(cluster.name).toBe('cluster-1');

    const bobs = await call(bob, `/api/demo/clusters?accountId=${ACCOUNT}`);
    await expect(bobs.json()).resolves.toEqual({ clusters: [] });
    const deleteByBob = await call(bob, `/api/demo/clusters/${cluster.id}`, { method: 'DELETE' });
    expect(deleteByBob.status).toBe(404);
    const blockers = await call(alice, `/api/cloud-connect/blockers?accountId=${ACCOUNT}`);
    await expect(blockers.json()).resolves.toMatchObject({
      blockers: [{ id: cluster.id, kind: 'cluster', name: 'cluster-1' }],
    });
  });

  it('refuses a request without the sign-in cookie, or with a forged one, with 401', async () => {
    for (const cookie of ['', 'northwind_tenant=not-a-tenant', 'northwind_tenant=../../x']) {
      const response = await call(cookie, '/api/demo/config');
      expect(response.status).toBe(401);
      await expect(response.json()).resolves.toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
  });

  it('answers bad input with a stable code', async () => {
    const cookie = await signIn();
    const cases: Array<[string, { method?: string; body?: unknown }, number, string]> = [
      ['/api/demo/clusters?accountId=12', {}, 400, 'INVALID_ACCOUNT_ID'],
      [
        '/api/demo/clusters',
        { method: 'POST', body: { accountId: ACCOUNT, name: 'Bad Name' } },
        400,
        'INVALID_CLUSTER_NAME',
      ],
      ['/api/demo/clusters', { method: 'PUT' }, 405, 'METHOD_NOT_ALLOWED'],
      [
        '/api/demo/sandbox/scenario',
        { method: 'POST', body: { scenario: 'meteor' } },
        400,
        'INVALID_SCENARIO',
      ],
      [
        '/api/demo/sandbox/account',
        { method: 'POST', body: { accountId: 'constructor' } },
        400,
        'INVALID_ACCOUNT',
      ],
      [
        '/api/demo/sandbox/clock',
        { method: 'POST', body: { advanceMs: -5 } },
        400,
        'INVALID_DURATION',
      ],
      ['/api/demo/sandbox/clock', { method: 'POST', body: [1] }, 400, 'BAD_REQUEST'],
      ['/api/demo/nothing', {}, 404, 'NOT_FOUND'],
    ];
    for (const [path, init, status, code] of cases) {
      const response = await call(cookie, path, init);
      expect([path, response.status]).toEqual([path, status]);
      await expect(response.json()).resolves.toMatchObject({ error: { code } });
    }
  });

  it('never fails with a 500, whatever the method, path and body', async () => {
    const cookie = await signIn();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'),
        fc.constantFrom(
          '/api/demo/config',
          '/api/demo/clusters',
          '/api/demo/clusters/x',
          '/api/demo/sandbox',
          '/api/demo/sandbox/scenario',
          '/api/demo/sandbox/account',
          '/api/demo/sandbox/clock',
        ),
        fc.option(fc.jsonValue(), { nil: undefined }),
        async (method, path, body) => {
          const response = await fetch(new URL(path, host.url), {
            method,
            headers: { cookie, 'content-type': 'application/json' },
            body: method === 'GET' || body === undefined ? undefined : JSON.stringify(body),
          });
          expect(response.status).toBeLessThan(500);
          await response.body?.cancel();
        },
      ),
      { numRuns: 150 },
    );
  });
});
