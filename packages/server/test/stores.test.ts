import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ConnectionStore, SessionRecord } from '../src/stores/connection-store';
import { createMemoryStore } from '../src/stores/memory-store';
import { createPostgresStore } from '../src/stores/postgres-store';
import { createSqliteStore, SQLITE_SCHEMA_VERSION } from '../src/stores/sqlite-store';
import { harness } from './support/handler-harness';
import { createDatabase } from './support/postgres-server';

const directory = mkdtempSync(join(tmpdir(), 'cloud-connect-store-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const newFile = () => {
  files += 1;
  return join(directory, `store-${files}.sqlite`);
};

function record(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    tenantId: 'tenant-a',
    sessionId: '11111111-1111-4111-8111-111111111111',
    accountId: '012345678901',
    externalId: 'cc-first',
    region: 'us-east-1',
    stackName: 'PorterRole',
    roleName: 'porter-manager',
    createdAt: '2026-11-29T08:00:00.000Z',
    status: 'pending',
    updatedAt: '2026-11-29T08:00:00.000Z',
    ...overrides,
  };
}

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
