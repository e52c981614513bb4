import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ConnectionStore, SessionRecord } from '../src/stores/connection-store';
import { createMemoryStore } from '../src/stores/memory-store';
import { createPostgresStore } from '../src/stores/postgres-store';
import {
  createSqliteStore,
  SQLITE_FIRST_PAGE,
  SQLITE_LATEST_CONNECTION,
  SQLITE_PAGE_AFTER,
  SQLITE_SCHEMA_VERSION,
} from '../src/stores/sqlite-store';
import { harness } from './support/handler-harness';
import { createDatabase } from './support/postgres-server';
import { record } from './support/session-record';

const directory = mkdtempSync(join(tmpdir(), 'cloud-connect-store-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const newFile = () => {
  files += 1;
  return join(directory, `store-${files}.sqlite`);
};

// Each PostgreSQL store gets a database of its own, migrated as a host would before serving.
async function openPostgresStore(): Promise<ConnectionStore> {
  const store = createPostgresStore({
    connectionString: await createDatabase(inject('postgresUrl')),
  });
  await store.migrate();
  return store;
}

describe.each([
  ['createMemoryStore', async () => createMemoryStore()],
  ['createSqliteStore', async () => createSqliteStore(newFile())],
  ['createPostgresStore', openPostgresStore],
] as const)(
  '%s keeps the ConnectionStore contract',
  (_name, open: () => Promise<ConnectionStore>) => {
    it('finds a stored session by tenant + account and by tenant + session id', async () => {
      const store = await open();
      const { inserted } = await store.insertIfAbsent(record());
      expect(inserted).toBe(true);
      expect(await store.findByAccount('tenant-a', '012345678901')).toEqual(record());
      expect(await store.findBySession('tenant-a', record().sessionId)).toEqual(record());
      await store.close();
    });

    it('never answers across tenants', async () => {
      const store = await open();
      await store.insertIfAbsent(record());
      expect(await store.findByAccount('tenant-b', '012345678901')).toBeNull();
      expect(await store.findBySession('tenant-b', record().sessionId)).toBeNull();
      expect(
        await store.updateStatus('tenant-b', record().sessionId, {
          status: 'connected',
          updatedAt: '2026-11-29T08:01:00.000Z',
        }),
      ).toBeNull();
      expect((await store.findBySession('tenant-a', record().sessionId))?.status).toBe('pending');
      await store.close();
    });

    it('keeps the first ExternalId when the same tenant + account is inserted again, even concurrently', async () => {
      const store = await open();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.insertIfAbsent(
            record({
              sessionId: `11111111-1111-4111-8111-${String(i).padStart(12, '0')}`,
              externalId: `cc-${i}`,
            }),
          ),
        ),
      );
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      expect(new Set(results.map((r) => r.record.externalId)).size).toBe(1);
      await store.close();
    });

    it('updates the status, keeping the role ARN and verification time on revocation', async () => {
      const store = await open();
      await store.insertIfAbsent(record());
      await store.updateStatus('tenant-a', record().sessionId, {
        status: 'connected',
        roleArn: 'arn:aws:iam::012345678901:role/porter-manager',
        verifiedAt: '2026-11-29T08:05:00.000Z',
        updatedAt: '2026-11-29T08:05:00.000Z',
      });
      expect(await store.findConnection('tenant-a')).toMatchObject({
        status: 'connected',
        roleArn: 'arn:aws:iam::012345678901:role/porter-manager',
      });
      const revoked = await store.updateStatus('tenant-a', record().sessionId, {
        status: 'revoked',
        updatedAt: '2026-11-29T09:00:00.000Z',
      });
      expect(revoked).toMatchObject({ status: 'revoked', verifiedAt: '2026-11-29T08:05:00.000Z' });
      expect(await store.findConnection('tenant-a')).toBeNull();
      await store.close();
    });

    it('returns the most recently verified connection of the tenant', async () => {
      const store = await open();
      for (const [i, verifiedAt] of [
        '2026-11-29T08:00:00.000Z',
        '2026-11-29T09:00:00.000Z',
      ].entries()) {
        const sessionId = `22222222-2222-4222-8222-00000000000${i}`;
        await store.insertIfAbsent(record({ sessionId, accountId: `00000000000${i}` }));
        await store.updateStatus('tenant-a', sessionId, {
          status: 'connected',
          roleArn: 'arn',
          verifiedAt,
          updatedAt: verifiedAt,
        });
      }
      expect((await store.findConnection('tenant-a'))?.accountId).toBe('000000000001');
      await store.close();
    });

    it('lists only connected sessions of the tenant, newest verification first, never another tenant’s', async () => {
      const store = await open();
      for (const tenant of ['tenant-a', 'tenant-b']) {
        for (let i = 0; i < 4; i += 1) await connect(store, tenant, i, minute(i));
      }
      // A session never verified, and one revoked, are not connections.
      await store.insertIfAbsent(
        record({ sessionId: sessionIdOf(90), accountId: accountIdOf(90) }),
      );
      await connect(store, 'tenant-a', 91, minute(30));
      await store.updateStatus('tenant-a', sessionIdOf(91), {
        status: 'revoked',
        updatedAt: minute(31),
      });

      const listA = await store.listConnections('tenant-a', { limit: 10 });
      expect(listA.map((r) => r.accountId)).toEqual([3, 2, 1, 0].map(accountIdOf));
      expect(listA.every((r) => r.tenantId === 'tenant-a')).toBe(true);
      const listB = await store.listConnections('tenant-b', { limit: 10 });
      expect(listB.map((r) => r.tenantId)).toEqual(Array(4).fill('tenant-b'));
      expect(await store.listConnections('tenant-c', { limit: 10 })).toEqual([]);
      await store.close();
    });

    it('pages by position: ties on the verification time are ordered by session id, nothing is skipped or repeated', async () => {
      const store = await open();
      // Three share a verification time: the session id decides their order.
      for (const [i, at] of [minute(1), minute(2), minute(2), minute(2), minute(3)].entries()) {
        await connect(store, 'tenant-a', i, at);
      }
      const pages: string[][] = [];
      let after: { verifiedAt: string; sessionId: string } | undefined;
      for (;;) {
        const page = await store.listConnections('tenant-a', { ...(after && { after }), limit: 2 });
        if (page.length === 0) break;
        pages.push(page.map((r) => r.accountId));
        const last = page.at(-1) as SessionRecord;
        after = { verifiedAt: last.verifiedAt as string, sessionId: last.sessionId };
      }
      expect(pages).toEqual([
        [accountIdOf(4), accountIdOf(3)],
        [accountIdOf(2), accountIdOf(1)],
        [accountIdOf(0)],
      ]);
      await store.close();
    });

    it('keeps paging stable while connections are added: every connection listed at the start is seen once', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 12 }),
          fc.integer({ min: 1, max: 4 }),
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }),
          async (initial, limit, addedPerPage) => {
            const store = await open();
            for (let i = 0; i < initial; i += 1) await connect(store, 'tenant-a', i, minute(i));
            const seen: string[] = [];
            let next = initial;
            let after: { verifiedAt: string; sessionId: string } | undefined;
            for (let pageNumber = 0; ; pageNumber += 1) {
              const page = await store.listConnections('tenant-a', {
                ...(after && { after }),
                limit,
              });
              seen.push(...page.map((r) => r.accountId));
              if (page.length < limit) break;
              const last = page.at(-1) as SessionRecord;
              after = { verifiedAt: last.verifiedAt as string, sessionId: last.sessionId };
              // Connections made while the user pages are newer: they land before the cursor.
              for (let k = 0; k < (addedPerPage[pageNumber % addedPerPage.length] ?? 0); k += 1) {
                await connect(store, 'tenant-a', next, minute(next));
                next += 1;
              }
            }
            await store.close();
            expect(seen).toEqual(
              Array.from({ length: initial }, (_, i) => accountIdOf(initial - 1 - i)),
            );
          },
        ),
        { numRuns: 25 },
      );
    });

    it('drops a revoked connection from the list and moves a re-verified one to the front', async () => {
      const store = await open();
      for (let i = 0; i < 3; i += 1) await connect(store, 'tenant-a', i, minute(i));
      await store.updateStatus('tenant-a', sessionIdOf(1), {
        status: 'revoked',
        updatedAt: minute(10),
      });
      await connect(store, 'tenant-a', 0, minute(11));
      const list = await store.listConnections('tenant-a', { limit: 10 });
      expect(list.map((r) => r.accountId)).toEqual([accountIdOf(0), accountIdOf(2)]);
      expect((await store.findConnection('tenant-a'))?.accountId).toBe(accountIdOf(0));
      await store.close();
    });

    it('records the template version and the last check, which later status changes keep', async () => {
      const store = await open();
      await store.insertIfAbsent(record());
      await store.updateStatus('tenant-a', record().sessionId, {
        status: 'connected',
        roleArn: 'arn:aws:iam::012345678901:role/porter-manager',
        verifiedAt: minute(1),
        templateVersion: '1.0.0',
        lastCheck: { checkedAt: minute(1), status: 'connected' },
        updatedAt: minute(1),
      });
      const checked = await store.recordCheck('tenant-a', record().sessionId, {
        checkedAt: minute(5),
        status: 'pending',
      });
      expect(checked).toMatchObject({
        status: 'connected',
        templateVersion: '1.0.0',
        lastCheckedAt: minute(5),
        lastCheckStatus: 'pending',
        updatedAt: minute(1),
      });
      expect(
        await store.recordCheck('tenant-b', record().sessionId, {
          checkedAt: minute(6),
          status: 'failed',
        }),
      ).toBeNull();
      await store.updateStatus('tenant-a', record().sessionId, {
        status: 'revoked',
        updatedAt: minute(9),
      });
      expect(await store.findBySession('tenant-a', record().sessionId)).toMatchObject({
        status: 'revoked',
        templateVersion: '1.0.0',
        lastCheckedAt: minute(5),
        lastCheckStatus: 'pending',
      });
      await store.close();
    });

    it('hands out copies: changing a returned record does not change the store', async () => {
      const store = await open();
      const { record: stored } = await store.insertIfAbsent(record());
      stored.externalId = 'tampered';
      expect((await store.findByAccount('tenant-a', '012345678901'))?.externalId).toBe('cc-first');
      await store.close();
    });

    it('rejects calls after close', async () => {
      const store = await open();
      await store.close();
      await expect(store.findByAccount('tenant-a', '012345678901')).rejects.toThrow();
    });
  },
);

const sessionIdOf = (i: number) => `44444444-4444-4444-8444-${String(i).padStart(12, '0')}`;
const accountIdOf = (i: number) => String(100_000_000_000 + i);
const minute = (i: number) => new Date(Date.UTC(2026, 10, 29, 8, i)).toISOString();

/** Stores a verified connection of `tenantId` to account `i` (re-verifies it when it exists). */
async function connect(store: ConnectionStore, tenantId: string, i: number, verifiedAt: string) {
  await store.insertIfAbsent(
    record({ tenantId, sessionId: sessionIdOf(i), accountId: accountIdOf(i) }),
  );
  await store.updateStatus(tenantId, sessionIdOf(i), {
    status: 'connected',
    roleArn: `arn:aws:iam::${accountIdOf(i)}:role/porter-manager`,
    verifiedAt,
    updatedAt: verifiedAt,
  });
}

describe('createSqliteStore', () => {
  it('survives a restart: a session written before close is there after reopening the file', async () => {
    const path = newFile();
    const first = createSqliteStore(path);
    await first.insertIfAbsent(record());
    await first.updateStatus('tenant-a', record().sessionId, {
      status: 'connected',
      roleArn: 'arn:aws:iam::012345678901:role/porter-manager',
      verifiedAt: '2026-11-29T08:05:00.000Z',
      updatedAt: '2026-11-29T08:05:00.000Z',
    });
    await first.close();

    const second = createSqliteStore(path);
    expect(await second.findByAccount('tenant-a', '012345678901')).toMatchObject({
      externalId: 'cc-first',
      status: 'connected',
    });
    // Re-creating after the restart still keeps the original ExternalId.
    const again = await second.insertIfAbsent(
      record({ sessionId: '33333333-3333-4333-8333-333333333333', externalId: 'cc-new' }),
    );
    expect(again).toMatchObject({ inserted: false, record: { externalId: 'cc-first' } });
    await second.close();
  });

  it('creates and versions its schema on first open, in WAL mode', async () => {
    const path = newFile();
    await createSqliteStore(path).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('lists connections and finds the latest from its index, for the first page and after a cursor', async () => {
    const path = newFile();
    await createSqliteStore(path).close();
    const db = new Database(path, { readonly: true });
    // The store's own statements, with the parameters a page request binds.
    const plan = (sql: string, params: Record<string, unknown>) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[])
        .map((row) => row.detail)
        .join('; ');
    const first = plan(SQLITE_FIRST_PAGE, { tenantId: 't', limit: 51 });
    const after = plan(SQLITE_PAGE_AFTER, {
      tenantId: 't',
      limit: 51,
      verifiedAt: '2026-11-29T08:00:00.000Z',
      sessionId: 's',
    });
    const latest = plan(SQLITE_LATEST_CONNECTION, { tenantId: 't' });
    db.close();
    for (const detail of [first, after, latest]) {
      expect(detail).toMatch(/USING INDEX sessions_connections/);
      // No sort step: the index already holds the list order.
      expect(detail).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('upgrades a version 1 file: its connections are listed, without template version or last check', async () => {
    const path = newFile();
    const v1 = new Database(path);
    v1.exec(`CREATE TABLE sessions (
       tenant_id TEXT NOT NULL, session_id TEXT NOT NULL, account_id TEXT NOT NULL,
       external_id TEXT NOT NULL, region TEXT NOT NULL, stack_name TEXT NOT NULL,
       role_name TEXT NOT NULL, created_at TEXT NOT NULL,
       status TEXT NOT NULL CHECK (status IN ('pending', 'connected', 'revoked')),
       role_arn TEXT, verified_at TEXT, updated_at TEXT NOT NULL,
       PRIMARY KEY (tenant_id, session_id), UNIQUE (tenant_id, account_id)) WITHOUT ROWID;
     CREATE INDEX sessions_connected ON sessions (tenant_id, status, verified_at);
     INSERT INTO sessions VALUES ('tenant-a', 's-1', '012345678901', 'cc-old', 'us-east-1',
       'PorterRole', 'porter-manager', '2026-01-01T00:00:00.000Z', 'connected', 'arn:old',
       '2026-01-01T00:05:00.000Z', '2026-01-01T00:05:00.000Z');
     PRAGMA user_version = 1;`);
    v1.close();
    const store = createSqliteStore(path);
    const [listed] = await store.listConnections('tenant-a', { limit: 5 });
    expect(listed).toMatchObject({ accountId: '012345678901', externalId: 'cc-old' });
    expect(listed).not.toHaveProperty('templateVersion');
    expect(listed).not.toHaveProperty('lastCheckedAt');
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    db.close();
  });

  it('refuses, with a clear error, a file written by a newer schema', () => {
    const path = newFile();
    const db = new Database(path);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => createSqliteStore(path)).toThrow(/newer version/);
  });

  it('gives two handlers sharing one file the same session for the same tenant and account', async () => {
    const path = newFile();
    const first = harness({ store: createSqliteStore(path) });
    const second = harness({ store: createSqliteStore(path) });
    const create = (h: typeof first, tenant: string, accountId: string) =>
      h
        .json('POST', '/sessions', { tenant, body: { accountId } })
        .then(({ body }) => body.session as { sessionId: string; externalId: string });
    const requests = [];
    for (let t = 0; t < 5; t += 1) {
      for (let a = 0; a < 5; a += 1) {
        const accountId = String(100_000_000_000 + a);
        requests.push(
          create(first, `tenant-${t}`, accountId),
          create(second, `tenant-${t}`, accountId),
        );
      }
    }
    const sessions = await Promise.all(requests);
    for (let i = 0; i < sessions.length; i += 2) {
      expect(sessions[i]).toEqual(sessions[i + 1]);
    }
    expect(new Set(sessions.map((s) => s.externalId)).size).toBe(25);
    await first.store.close();
    await second.store.close();
  });

  it('loses no session when two processes write one file at the same time', async () => {
    const path = newFile();
    await createSqliteStore(path).close();
    const script = fileURLToPath(new URL('./support/write-sessions.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
    const run = promisify(execFile);
    const count = 4000;
    const [a, b] = await Promise.all(
      ['a', 'b'].map((writer) =>
        run(tsx, ['--conditions=@porter/source', script, path, writer, String(count)], {
          cwd: fileURLToPath(new URL('..', import.meta.url)),
        }),
      ),
    );
    const fromA = JSON.parse(a?.stdout ?? '{}') as Record<string, string>;
    const fromB = JSON.parse(b?.stdout ?? '{}') as Record<string, string>;

    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT tenant_id, account_id, external_id FROM sessions').all() as {
      tenant_id: string;
      account_id: string;
      external_id: string;
    }[];
    db.close();
    // count/2 shared accounts + count/2 own accounts per writer.
    expect(rows).toHaveLength(count / 2 + count);
    const stored = new Map(
      rows.map((row) => [`${row.tenant_id}/${row.account_id}`, row.external_id]),
    );
    // Both writers were told the ExternalId that is stored, for shared accounts too.
    for (const [key, externalId] of [...Object.entries(fromA), ...Object.entries(fromB)]) {
      expect(stored.get(key)).toBe(externalId);
    }
  }, 60_000);
});
