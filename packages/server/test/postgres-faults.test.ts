// A PostgreSQL server of this file's own, since the tests crash and restart it.
import { createHttpBackend } from '@porter/cloud-connect';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresCoordination } from '../src/postgres-coordination';
import { createPostgresStore, type PostgresStore } from '../src/stores/postgres-store';
import { BASE, type Harness, harness } from './support/handler-harness';
import { type PostgresServer, startPostgres } from './support/postgres-server';

let server: PostgresServer;
let store: PostgresStore;
let h: Harness;
const closing: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  server = await startPostgres();
  store = createPostgresStore({ connectionString: server.url, connectionTimeoutMs: 2000 });
  await store.migrate();
  const coordination = createPostgresCoordination({
    connectionString: server.url,
    connectionTimeoutMs: 2000,
  });
  closing.push(store, coordination);
  h = harness({
    store,
    coordination,
    config: { rateLimit: { requestsPerMinute: 1e9, burst: 1e9 } },
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(closing.map((item) => item.close()));
  await server?.destroy();
});

const accountId = (i: number) => String(100_000_000_000 + i);

async function untilAnswered(request: () => Promise<{ status: number }>): Promise<number> {
  // The pool drops its dead connections as it notices them; a few 503s may come first.
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const { status } = await request();
    if (status !== 503) return status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('The handler still answers 503 after the database came back.');
}

describe('the handler on PostgreSQL when the database goes away', () => {
  it('answers 503 UNAVAILABLE while the database is down, and recovers when it is back, losing no acknowledged session', async () => {
    const created = new Map<string, string>();
    const create = async (i: number) => {
      const { status, body } = await h.json('POST', '/sessions', {
        tenant: 'tenant-a',
        body: { accountId: accountId(i) },
      });
      if (status === 201) {
        const session = body.session as { accountId: string; externalId: string };
        created.set(session.accountId, session.externalId);
      }
      return { status, body };
    };

    for (let i = 0; i < 10; i += 1) expect((await create(i)).status).toBe(201);
    // Writes in flight while the server crashes: each is acknowledged (201) or refused (503).
    const during = Array.from({ length: 60 }, (_, i) => create(10 + i));
    await server.stop('immediate');
    const outcomes = await Promise.all(during);
    expect(outcomes.every(({ status }) => status === 201 || status === 503)).toBe(true);

    const down = await create(100);
    expect(down.status).toBe(503);
    expect(down.body.error).toEqual({
      code: 'UNAVAILABLE',
      message: 'The session store cannot be reached right now. Try again in a moment.',
    });
    const check = await h.send('GET', '/connection', { tenant: 'tenant-a' });
    expect(check.status).toBe(503);
    expect(check.headers.get('retry-after')).toBe('1');

    await server.start();
    expect(await untilAnswered(() => create(101))).toBe(201);
    expect((await h.json('GET', '/connection', { tenant: 'tenant-a' })).status).toBe(200);

    // Every session the handler acknowledged is stored, with the ExternalId it answered.
    const reader = new pg.Client({ connectionString: server.url });
    await reader.connect();
    const { rows } = await reader.query<{ account_id: string; external_id: string }>(
      'SELECT account_id, external_id FROM cloud_connect_sessions',
    );
    await reader.end();
    const stored = new Map(rows.map((row) => [row.account_id, row.external_id]));
    expect(created.size).toBeGreaterThanOrEqual(11);
    for (const [account, externalId] of created) expect(stored.get(account)).toBe(externalId);
  }, 120_000);

  it("reaches core's HTTP client as a retryable NETWORK error", async () => {
    const backend = createHttpBackend({
      baseUrl: BASE,
      fetch: async (input, init) => h.handler(new Request(input, init)),
      headers: { authorization: 'Bearer tenant-a' },
    });
    await server.stop('fast');
    try {
      await expect(backend.createSession({ accountId: accountId(200) })).rejects.toMatchObject({
        code: 'NETWORK',
        retryable: true,
        status: 503,
      });
    } finally {
      await server.start();
    }
    await untilAnswered(() => h.json('GET', '/connection', { tenant: 'tenant-a' }));
    await expect(backend.createSession({ accountId: accountId(200) })).resolves.toMatchObject({
      accountId: accountId(200),
    });
  }, 120_000);
});
