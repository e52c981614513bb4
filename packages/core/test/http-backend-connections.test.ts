import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConnectedAccount } from '../src/backend';
import { ERROR_CODES } from '../src/errors';
import { createHttpBackend, HttpBackendError, isConnectedAccount } from '../src/http-backend';

const BASE = 'https://app.example/api/cloud-connect';

const account: ConnectedAccount = {
  accountId: '012345678901',
  roleArn: 'arn:aws:iam::012345678901:role/porter-manager',
  verifiedAt: '2026-11-29T08:01:00.000Z',
  sessionId: '11111111-1111-4111-8111-111111111111',
  templateVersion: '1.0.0',
  updateDue: false,
  lastHealthCheck: { checkedAt: '2026-11-29T09:00:00.000Z', status: 'connected' },
};

function recordingFetch(answer: (url: string) => Response) {
  const urls: string[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    urls.push(`${init?.method ?? 'GET'} ${String(url)}`);
    return answer(String(url));
  };
  return { fetch: fetch as typeof globalThis.fetch, urls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });

describe('createHttpBackend: a tenant’s connections', () => {
  it('lists a page with GET /connections, passing cursor and limit as given', async () => {
    const { fetch, urls } = recordingFetch(() =>
      json(200, { connections: [account], nextCursor: 'abc' }),
    );
    const backend = createHttpBackend({ baseUrl: BASE, fetch });
    await expect(backend.listConnections()).resolves.toEqual({
      connections: [account],
      nextCursor: 'abc',
    });
    await backend.listConnections({ cursor: 'a+b/c=', limit: 200 });
    expect(urls).toEqual([
      `GET ${BASE}/connections`,
      `GET ${BASE}/connections?cursor=a%2Bb%2Fc%3D&limit=200`,
    ]);
  });

  it('refuses a limit outside 1 to 200 and an empty cursor before sending anything', async () => {
    const { fetch, urls } = recordingFetch(() => json(200, { connections: [], nextCursor: null }));
    const backend = createHttpBackend({ baseUrl: BASE, fetch });
    for (const limit of [0, 201, 1.5, Number.NaN]) {
      await expect(backend.listConnections({ limit })).rejects.toThrow(RangeError);
    }
    await expect(backend.listConnections({ cursor: '' })).rejects.toThrow(TypeError);
    expect(urls).toEqual([]);
  });

  it('reads one connection with GET /connections/:accountId, null on the server’s 404', async () => {
    const answers = [
      json(200, { connection: account }),
      json(404, { error: { code: 'NOT_FOUND', message: 'There is no connection.' } }),
    ];
    const { fetch, urls } = recordingFetch(() => answers.shift() as Response);
    const backend = createHttpBackend({ baseUrl: BASE, fetch });
    await expect(backend.getConnectionByAccount({ accountId: account.accountId })).resolves.toEqual(
      account,
    );
    await expect(backend.getConnectionByAccount({ accountId: '999999999999' })).resolves.toBeNull();
    expect(urls[1]).toBe(`GET ${BASE}/connections/999999999999`);
  });

  it('calls a 404 that is not Cloud Connect’s MISCONFIGURED, not "no connection"', async () => {
    const { fetch } = recordingFetch(
      () =>
        new Response('<h1>Not found</h1>', {
          status: 404,
          headers: { 'content-type': 'text/html' },
        }),
    );
    const backend = createHttpBackend({ baseUrl: BASE, fetch });
    await expect(
      backend.getConnectionByAccount({ accountId: account.accountId }),
    ).rejects.toMatchObject({
      code: 'MISCONFIGURED',
    });
    await expect(backend.listConnections()).rejects.toMatchObject({ code: 'MISCONFIGURED' });
  });

  it('refuses a page whose items are not connected accounts as NETWORK', async () => {
    const { fetch } = recordingFetch(() =>
      json(200, { connections: [{ ...account, updateDue: 'yes' }], nextCursor: null }),
    );
    const backend = createHttpBackend({ baseUrl: BASE, fetch });
    await expect(backend.listConnections()).rejects.toMatchObject({ code: 'NETWORK' });
  });

  it('either answers a valid page or fails with a CloudConnectError code, whatever the server sends', async () => {
    const item = fc.oneof(
      fc.constant(account),
      fc.record({
        ...Object.fromEntries(Object.entries(account).map(([k, v]) => [k, fc.constant(v)])),
        templateVersion: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
        lastHealthCheck: fc.oneof(
          fc.constant(null),
          fc.record({ checkedAt: fc.string(), status: fc.string() }),
          fc.jsonValue(),
        ),
      }),
      fc.jsonValue(),
    );
    const body = fc.oneof(
      fc.record({
        connections: fc.array(item, { maxLength: 3 }),
        nextCursor: fc.oneof(fc.string(), fc.constant(null), fc.jsonValue()),
      }),
      fc.jsonValue(),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(200, 400, 404, 500), body, async (status, payload) => {
        const backend = createHttpBackend({
          baseUrl: BASE,
          fetch: async () => json(status, payload),
        });
        try {
          const page = await backend.listConnections();
          expect(page.connections.every(isConnectedAccount)).toBe(true);
          expect(page.nextCursor === null || typeof page.nextCursor === 'string').toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(HttpBackendError);
          expect(ERROR_CODES).toContain((error as HttpBackendError).code);
        }
      }),
      { numRuns: 200 },
    );
  });
});
