import {
  type ConnectedAccount,
  type ConnectSession,
  createHttpBackend,
  type ListConnectionsResponse,
} from '@porter/cloud-connect';
import { TEMPLATE_VERSION } from '@porter/cloud-connect/template';
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { encodeConnectionCursor } from '../src/connection-cursor';
import type { ConnectionStore } from '../src/stores/connection-store';
import { createMemoryStore } from '../src/stores/memory-store';
import { createPostgresStore } from '../src/stores/postgres-store';
import { type Harness, harness } from './support/handler-harness';
import { createDatabase } from './support/postgres-server';

const accountIdOf = (i: number) => String(200_000_000_000 + i);
const roleArnOf = (accountId: string) => `arn:aws:iam::${accountId}:role/porter-manager`;

/** Creates and verifies a session for the tenant's account `i`, one minute after the last. */
async function connect(h: Harness, tenant: string, i: number, templateVersion = TEMPLATE_VERSION) {
  const accountId = accountIdOf(i);
  const { body } = await h.json('POST', '/sessions', { tenant, body: { accountId } });
  const session = body.session as ConnectSession;
  h.clock.now += 60_000;
  const verifiedAt = new Date(h.clock.now).toISOString();
  h.verifier.nextConnection = async () => ({
    status: 'connected',
    roleArn: roleArnOf(accountId),
    verifiedAt,
    templateVersion,
  });
  const check = await h.json('POST', `/sessions/${session.sessionId}/check`, { tenant });
  expect(check.body).toMatchObject({ check: { status: 'connected' } });
  return { session, verifiedAt };
}

async function list(h: Harness, tenant: string, query = '') {
  const { status, body } = await h.json('GET', `/connections${query}`, { tenant });
  expect(status).toBe(200);
  return body as unknown as ListConnectionsResponse;
}

/** Every page, following nextCursor; `between` runs after each page (to add connections). */
async function listAll(h: Harness, tenant: string, limit: number, between?: () => Promise<void>) {
  const accounts: string[] = [];
  let cursor: string | null = null;
  do {
    const query = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await list(h, tenant, query);
    expect(page.connections.length).toBeLessThanOrEqual(limit);
    accounts.push(...page.connections.map((c) => c.accountId));
    cursor = page.nextCursor;
    await between?.();
  } while (cursor !== null);
  return accounts;
}

describe('GET /connections', () => {
  it("lists the tenant's connections newest first, with role, verification, template and health", async () => {
    const h = harness();
    const first = await connect(h, 'tenant-a', 1, '0.9.0');
    const second = await connect(h, 'tenant-a', 2);
    // A session never verified is not a connection.
    await h.json('POST', '/sessions', { tenant: 'tenant-a', body: { accountId: accountIdOf(3) } });

    const page = await list(h, 'tenant-a');
    expect(page).toEqual({
      connections: [
        {
          accountId: accountIdOf(2),
          roleArn: roleArnOf(accountIdOf(2)),
          verifiedAt: second.verifiedAt,
          sessionId: second.session.sessionId,
          templateVersion: TEMPLATE_VERSION,
          updateDue: false,
          lastHealthCheck: { checkedAt: second.verifiedAt, status: 'connected' },
        },
        {
          accountId: accountIdOf(1),
          roleArn: roleArnOf(accountIdOf(1)),
          verifiedAt: first.verifiedAt,
          sessionId: first.session.sessionId,
          templateVersion: '0.9.0',
          updateDue: true,
          lastHealthCheck: { checkedAt: first.verifiedAt, status: 'connected' },
        },
      ],
      nextCursor: null,
    } satisfies ListConnectionsResponse);
  });

  it('keeps GET /connection answering the most recently verified connection', async () => {
    const h = harness();
    await connect(h, 'tenant-a', 1);
    const { session } = await connect(h, 'tenant-a', 2);
    const { body } = await h.json('GET', '/connection', { tenant: 'tenant-a' });
    expect(body.connection).toMatchObject({
      accountId: accountIdOf(2),
      sessionId: session.sessionId,
    });
  });

  it("never shows one tenant another tenant's connections, in the list or by account (404)", async () => {
    const h = harness();
    for (let i = 0; i < 5; i += 1) {
      await connect(h, 'tenant-a', i);
      await connect(h, 'tenant-b', 10 + i);
    }
    // The same account connected by both tenants stays two separate connections.
    await connect(h, 'tenant-b', 0);

    const ofA = await listAll(h, 'tenant-a', 2);
    const ofB = await listAll(h, 'tenant-b', 2);
    expect(ofA.sort()).toEqual([0, 1, 2, 3, 4].map(accountIdOf));
    expect(ofB.sort()).toEqual([0, 10, 11, 12, 13, 14].map(accountIdOf).sort());

    const other = await h.json('GET', `/connections/${accountIdOf(10)}`, { tenant: 'tenant-a' });
    expect(other.status).toBe(404);
    expect(other.body).toEqual({
      error: {
        code: 'NOT_FOUND',
        message: `There is no connection to AWS account ${accountIdOf(10)}.`,
      },
    });
    // tenant-b's session for account 0 is not tenant-a's.
    const shared = await h.json('GET', `/connections/${accountIdOf(0)}`, { tenant: 'tenant-a' });
    const sharedB = await h.json('GET', `/connections/${accountIdOf(0)}`, { tenant: 'tenant-b' });
    expect((shared.body.connection as ConnectedAccount).sessionId).not.toBe(
      (sharedB.body.connection as ConnectedAccount).sessionId,
    );
  });

  it('pages with limit and nextCursor, stable while connections are added between pages', async () => {
    const h = harness();
    for (let i = 0; i < 7; i += 1) await connect(h, 'tenant-a', i);
    let added = 100;
    const seen = await listAll(h, 'tenant-a', 3, async () => {
      // Two new connections (newer than any listed) arrive after every page.
      await connect(h, 'tenant-a', added++);
      await connect(h, 'tenant-a', added++);
    });
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map(accountIdOf));
    const fresh = await list(h, 'tenant-a', '?limit=3');
    expect(fresh.connections.map((c) => c.accountId)).toEqual(
      [added - 1, added - 2, added - 3].map(accountIdOf),
    );
  });

  it('defaults to 50 a page and answers up to 200', async () => {
    const h = harness();
    for (let i = 0; i < 201; i += 1) await connect(h, 'tenant-a', i);
    const first = await list(h, 'tenant-a');
    expect(first.connections).toHaveLength(50);
    expect(first.nextCursor).toEqual(expect.any(String));
    const big = await list(h, 'tenant-a', '?limit=200');
    expect(big.connections).toHaveLength(200);
    const rest = await list(h, 'tenant-a', `?limit=200&cursor=${big.nextCursor}`);
    expect(rest).toMatchObject({ connections: [{ accountId: accountIdOf(0) }], nextCursor: null });
  });

  it('drops a revoked connection from the list and from GET /connections/:accountId', async () => {
    const h = harness();
    for (let i = 0; i < 3; i += 1) await connect(h, 'tenant-a', i);
    h.verifier.nextRevocation = async () => ({ status: 'revoked' });
    const revoked = await h.json('POST', '/revocation/check', {
      tenant: 'tenant-a',
      body: { accountId: accountIdOf(1) },
    });
    expect(revoked.body).toEqual({ check: { status: 'revoked' } });
    const page = await list(h, 'tenant-a');
    expect(page.connections.map((c) => c.accountId)).toEqual([2, 0].map(accountIdOf));
    expect(
      (await h.json('GET', `/connections/${accountIdOf(1)}`, { tenant: 'tenant-a' })).status,
    ).toBe(404);
  });

  it('refuses a limit outside 1 to 200 and a cursor it did not make with 400 BAD_REQUEST', async () => {
    const h = harness();
    for (const query of ['limit=0', 'limit=201', 'limit=1.5', 'limit=', 'limit=ten', 'limit=-1']) {
      const { status, body } = await h.json('GET', `/connections?${query}`, { tenant: 'tenant-a' });
      expect({ query, status, body }).toEqual({
        query,
        status: 400,
        body: {
          error: {
            code: 'BAD_REQUEST',
            message: 'The limit must be a whole number from 1 to 200.',
          },
        },
      });
    }
    const forged = [
      'nonsense',
      '',
      btoa('[1,2]'),
      encodeConnectionCursor({ verifiedAt: '2026-02-30T00:00:00.000Z', sessionId: 's' }),
      encodeConnectionCursor({ verifiedAt: '2026-11-29T08:00:00Z', sessionId: 's' }),
      encodeConnectionCursor({ verifiedAt: '2026-11-29T08:00:00.000Z', sessionId: 'a\u0000b' }),
    ];
    for (const cursor of forged) {
      const { status, body } = await h.json(
        'GET',
        `/connections?cursor=${encodeURIComponent(cursor)}`,
        { tenant: 'tenant-a' },
      );
      expect({ cursor, status, code: (body.error as { code: string }).code }).toEqual({
        cursor,
        status: 400,
        code: 'BAD_REQUEST',
      });
    }
  });

  it('answers 401 without a tenant and 405 for another method', async () => {
    const h = harness();
    expect((await h.send('GET', '/connections')).status).toBe(401);
    expect((await h.send('GET', `/connections/${accountIdOf(1)}`)).status).toBe(401);
    const wrong = await h.send('POST', '/connections', { tenant: 'tenant-a', body: {} });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });
});

describe('GET /connections/:accountId', () => {
  it('reads one connection, the account ID in any form people paste', async () => {
    const h = harness();
    const { session, verifiedAt } = await connect(h, 'tenant-a', 1);
    const formatted = accountIdOf(1).replace(/(\d{4})(\d{4})(\d{4})/, '$1-$2-$3');
    const { status, body } = await h.json('GET', `/connections/${formatted}`, {
      tenant: 'tenant-a',
    });
    expect(status).toBe(200);
    expect(body.connection).toEqual({
      accountId: accountIdOf(1),
      roleArn: roleArnOf(accountIdOf(1)),
      verifiedAt,
      sessionId: session.sessionId,
      templateVersion: TEMPLATE_VERSION,
      updateDue: false,
      lastHealthCheck: { checkedAt: verifiedAt, status: 'connected' },
    });
  });

  it('answers 400 INVALID_ACCOUNT_ID for what is not an account ID, 404 for one never connected', async () => {
    const h = harness();
    for (const bad of ['12', 'abc', '%E0%A4%A']) {
      const { status, body } = await h.json('GET', `/connections/${bad}`, { tenant: 'tenant-a' });
      expect({ bad, status, code: (body.error as { code: string }).code }).toEqual({
        bad,
        status: 400,
        code: 'INVALID_ACCOUNT_ID',
      });
    }
    await h.json('POST', '/sessions', { tenant: 'tenant-a', body: { accountId: accountIdOf(1) } });
    expect(
      (await h.json('GET', `/connections/${accountIdOf(1)}`, { tenant: 'tenant-a' })).status,
    ).toBe(404);
    expect(
      (await h.send('GET', `/connections/${accountIdOf(1)}/more`, { tenant: 'tenant-a' })).status,
    ).toBe(404);
  });
});

describe('health and template version of a connection', () => {
  it('records when a check of a connected role ran and its verdict, leaving the connection listed', async () => {
    const h = harness();
    const { session, verifiedAt } = await connect(h, 'tenant-a', 1);
    h.clock.now += 3_600_000;
    h.verifier.nextConnection = async () => ({ status: 'pending', reason: 'not-assumable' });
    await h.json('POST', `/sessions/${session.sessionId}/check`, { tenant: 'tenant-a' });
    const [connection] = (await list(h, 'tenant-a')).connections;
    expect(connection).toMatchObject({
      verifiedAt,
      lastHealthCheck: { checkedAt: new Date(h.clock.now).toISOString(), status: 'pending' },
    });

    h.clock.now += 60_000;
    h.verifier.nextConnection = async () => ({
      status: 'failed',
      code: 'STACK_FAILED',
      message: 'gone',
    });
    await h.json('POST', `/sessions/${session.sessionId}/check`, { tenant: 'tenant-a' });
    expect((await list(h, 'tenant-a')).connections[0]?.lastHealthCheck).toEqual({
      checkedAt: new Date(h.clock.now).toISOString(),
      status: 'failed',
    });
  });

  it('compares the stack’s template version with config.templateVersion when the host sets one', async () => {
    const h = harness({ config: { templateVersion: '2.0.0' } });
    await connect(h, 'tenant-a', 1, '1.10.0');
    await connect(h, 'tenant-a', 2, '2.0.0');
    const { connections } = await list(h, 'tenant-a');
    expect(connections.map((c) => [c.templateVersion, c.updateDue])).toEqual([
      ['2.0.0', false],
      ['1.10.0', true],
    ]);
    expect(() => harness({ config: { templateVersion: ' ' } })).toThrow(/config\.templateVersion/);
  });
});

// Each store answers a forged cursor alike: never a 500, whatever the client sends.
describe.each([
  ['the memory store', async () => createMemoryStore()],
  [
    'the PostgreSQL store',
    async () => {
      const store = createPostgresStore({
        connectionString: await createDatabase(inject('postgresUrl')),
      });
      await store.migrate();
      return store;
    },
  ],
] as const)('GET /connections on %s', (_name, open: () => Promise<ConnectionStore>) => {
  it('answers 200 or 400, never an error of the server, for any cursor and limit', async () => {
    const store = await open();
    // A budget the run cannot spend: the property is about the answers, not the rate limit.
    const h = harness({ store, config: { rateLimit: { requestsPerMinute: 60_000, burst: 1000 } } });
    await connect(h, 'tenant-a', 1);
    const cursor = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc
        .tuple(
          fc.oneof(
            fc.string(),
            fc.date().map(String),
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          ),
          fc.string(),
        )
        .map(([verifiedAt, sessionId]) => {
          try {
            return btoa(JSON.stringify([verifiedAt, sessionId]));
          } catch {
            return verifiedAt;
          }
        }),
    );
    await fc.assert(
      fc.asyncProperty(cursor, fc.option(fc.string(), { nil: undefined }), async (c, limit) => {
        const query = new URLSearchParams({ cursor: c, ...(limit !== undefined && { limit }) });
        const response = await h.send('GET', `/connections?${query}`, { tenant: 'tenant-a' });
        expect([200, 400]).toContain(response.status);
      }),
      { numRuns: 150 },
    );
    await store.close();
  });
});

describe("core's createHttpBackend against this handler", () => {
  it('lists every page and reads one connection; null for an account without one', async () => {
    const h = harness();
    for (let i = 0; i < 5; i += 1) await connect(h, 'tenant-a', i);
    const backend = createHttpBackend({
      baseUrl: 'https://app.example.com/api/cloud-connect',
      headers: { authorization: 'Bearer tenant-a' },
      fetch: (input, init) => h.handler(new Request(input, init)),
    });
    const accounts: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await backend.listConnections({ limit: 2, ...(cursor && { cursor }) });
      accounts.push(...page.connections.map((c) => c.accountId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(accounts).toEqual([4, 3, 2, 1, 0].map(accountIdOf));
    await expect(
      backend.getConnectionByAccount({ accountId: accountIdOf(3) }),
    ).resolves.toMatchObject({
      accountId: accountIdOf(3),
      updateDue: false,
    });
    await expect(backend.getConnectionByAccount({ accountId: accountIdOf(9) })).resolves.toBeNull();
    await expect(backend.getConnectionByAccount({ accountId: '12' })).rejects.toMatchObject({
      code: 'INVALID_ACCOUNT_ID',
    });
  });
});
