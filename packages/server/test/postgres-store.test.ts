import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { POSTGRES_SCHEMA_VERSION } from '../src/stores/postgres-schema';
import {
  createPostgresStore,
  SELECT_CONNECTION,
  SELECT_FIRST_PAGE,
  SELECT_PAGE_AFTER,
} from '../src/stores/postgres-store';
import { createDatabase } from './support/postgres-server';
import { record } from './support/session-record';

const pools: pg.Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
});

async function freshPool(): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: await createDatabase(inject('postgresUrl')) });
  pools.push(pool);
  return pool;
}

describe('createPostgresStore migrate()', () => {
  it('creates the schema once and finds nothing to do the second time', async () => {
    const store = createPostgresStore({ pool: await freshPool() });
    expect(await store.migrate()).toEqual({ from: 0, to: POSTGRES_SCHEMA_VERSION });
    expect(await store.migrate()).toEqual({
      from: POSTGRES_SCHEMA_VERSION,
      to: POSTGRES_SCHEMA_VERSION,
    });
    await store.close();
  });

  it('is safe when several instances start at once: one migrates, the others find it done', async () => {
    const url = await createDatabase(inject('postgresUrl'));
    const stores = Array.from({ length: 5 }, () => createPostgresStore({ connectionString: url }));
    const results = await Promise.all(stores.map((store) => store.migrate()));
    expect(results.filter((result) => result.from === 0)).toHaveLength(1);
    expect(results.every((result) => result.to === POSTGRES_SCHEMA_VERSION)).toBe(true);
    await stores[0]?.insertIfAbsent(record());
    expect(await stores[4]?.findByAccount('tenant-a', '012345678901')).toEqual(record());
    await Promise.all(stores.map((store) => store.close()));
  });

  it('refuses, with a clear error, a database written by a newer schema', async () => {
    const pool = await freshPool();
    const store = createPostgresStore({ pool });
    await store.migrate();
    await pool.query('INSERT INTO cloud_connect_schema (version) VALUES ($1)', [
      POSTGRES_SCHEMA_VERSION + 1,
    ]);
    await expect(store.migrate()).rejects.toThrow(/newer version/);
  });

  it('says to run migrate() when the tables are missing', async () => {
    const store = createPostgresStore({ pool: await freshPool() });
    await expect(store.findByAccount('tenant-a', '012345678901')).rejects.toThrow(
      /store\.migrate\(\)/,
    );
  });

  it('stores what the DBA documentation lists, and no column for AWS credentials', async () => {
    const pool = await freshPool();
    await createPostgresStore({ pool }).migrate();
    const { rows } = await pool.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    );
    const columns = rows.map((row) => `${row.table_name}.${row.column_name}`);
    expect(columns).toEqual([
      'cloud_connect_event_messages.message_id',
      'cloud_connect_event_messages.expires_at',
      'cloud_connect_event_sessions.session_id',
      'cloud_connect_event_sessions.tenant_id',
      'cloud_connect_event_sessions.account_id',
      'cloud_connect_event_states.session_id',
      'cloud_connect_event_states.stack_id',
      'cloud_connect_event_states.phase',
      'cloud_connect_event_states.at',
      'cloud_connect_event_states.failure_reported',
      'cloud_connect_event_states.follow_until',
      'cloud_connect_flights.key',
      'cloud_connect_flights.holder',
      'cloud_connect_flights.lease_until',
      'cloud_connect_flights.result',
      'cloud_connect_flights.result_until',
      'cloud_connect_rate_buckets.key',
      'cloud_connect_rate_buckets.tokens',
      'cloud_connect_rate_buckets.updated_at',
      'cloud_connect_rate_buckets.full_at',
      'cloud_connect_schema.version',
      'cloud_connect_schema.applied_at',
      'cloud_connect_sessions.tenant_id',
      'cloud_connect_sessions.session_id',
      'cloud_connect_sessions.account_id',
      'cloud_connect_sessions.external_id',
      'cloud_connect_sessions.region',
      'cloud_connect_sessions.stack_name',
      'cloud_connect_sessions.role_name',
      'cloud_connect_sessions.created_at',
      'cloud_connect_sessions.status',
      'cloud_connect_sessions.role_arn',
      'cloud_connect_sessions.verified_at',
      'cloud_connect_sessions.updated_at',
      'cloud_connect_sessions.template_version',
      'cloud_connect_sessions.last_checked_at',
      'cloud_connect_sessions.last_check_status',
    ]);
    expect(columns.join(' ')).not.toMatch(/secret|access_key|token_value|credential/i);
  });
});

describe('createPostgresStore', () => {
  it('lists connections and finds the latest from its index, for the first page and after a cursor', async () => {
    const pool = await freshPool();
    await createPostgresStore({ pool }).migrate();
    const client = await pool.connect();
    try {
      // A near-empty table is cheaper to scan: forbid that, so the plan shows whether the index serves.
      await client.query('SET enable_seqscan = off');
      // The store's own statements, prepared and explained with the values a page request binds.
      const plan = async (name: string, sql: string, values: string) => {
        await client.query(`PREPARE ${name} AS ${sql}`);
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN EXECUTE ${name}(${values})`,
        );
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      };
      const first = await plan('first_page', SELECT_FIRST_PAGE, `'t', 51`);
      const after = await plan(
        'page_after',
        SELECT_PAGE_AFTER,
        `'t', 51, '2026-11-29T08:00:00.000Z', 's'`,
      );
      const latest = await plan('latest', SELECT_CONNECTION, `'t'`);
      for (const text of [first, after, latest]) {
        expect(text).toMatch(/Index Scan using cloud_connect_sessions_connections/);
        // No sort step: the index already holds the list order.
        expect(text).not.toMatch(/Sort/);
      }
      expect(after).toMatch(/Index Cond: .*ROW\(verified_at, session_id\) < ROW/);
    } finally {
      client.release();
    }
  });

  it('upgrades a version 1 database: its connections are listed', async () => {
    const pool = await freshPool();
    const store = createPostgresStore({ pool });
    await store.migrate();
    // Back to version 1 as it was: without the new columns, index and tables.
    await pool.query(`DROP TABLE cloud_connect_event_sessions, cloud_connect_event_states,
        cloud_connect_event_messages;
      DROP INDEX cloud_connect_sessions_connections;
      ALTER TABLE cloud_connect_sessions DROP COLUMN template_version,
        DROP COLUMN last_checked_at, DROP COLUMN last_check_status;
      CREATE INDEX cloud_connect_sessions_connected ON cloud_connect_sessions
        (tenant_id, verified_at DESC NULLS LAST) WHERE status = 'connected';
      DELETE FROM cloud_connect_schema WHERE version > 1;
      INSERT INTO cloud_connect_sessions VALUES ('tenant-a', 's-1', '012345678901', 'cc-old',
        'us-east-1', 'PorterRole', 'porter-manager', '2026-01-01T00:00:00Z', 'connected',
        'arn:old', '2026-01-01T00:05:00Z', '2026-01-01T00:05:00Z');`);
    expect(await store.migrate()).toEqual({ from: 1, to: POSTGRES_SCHEMA_VERSION });
    const [listed] = await store.listConnections('tenant-a', { limit: 5 });
    expect(listed).toMatchObject({
      accountId: '012345678901',
      verifiedAt: '2026-01-01T00:05:00.000Z',
    });
    expect(listed).not.toHaveProperty('templateVersion');
    await store.close();
  });

  it('keeps sessions across instances: a second store on the database reads and keeps the first ExternalId', async () => {
    const url = await createDatabase(inject('postgresUrl'));
    const first = createPostgresStore({ connectionString: url });
    await first.migrate();
    await first.insertIfAbsent(record());
    await first.close();

    const second = createPostgresStore({ connectionString: url });
    const again = await second.insertIfAbsent(
      record({ sessionId: '33333333-3333-4333-8333-333333333333', externalId: 'cc-new' }),
    );
    expect(again).toMatchObject({ inserted: false, record: { externalId: 'cc-first' } });
    await second.close();
  });

  it("leaves the host's pool open on close", async () => {
    const pool = await freshPool();
    const store = createPostgresStore({ pool });
    await store.migrate();
    await store.insertIfAbsent(record());
    await store.close();
    await expect(store.findByAccount('tenant-a', '012345678901')).rejects.toThrow(/closed/);
    const { rows } = await pool.query('SELECT external_id FROM cloud_connect_sessions');
    expect(rows).toEqual([{ external_id: 'cc-first' }]);
  });

  it('keeps its contract on a host pool whose type parsers return every value as text', async () => {
    const url = await createDatabase(inject('postgresUrl'));
    const pool = new pg.Pool({
      connectionString: url,
      types: { getTypeParser: () => (value: string) => value },
    });
    pools.push(pool);
    const store = createPostgresStore({ pool });
    await store.migrate();
    expect(await store.insertIfAbsent(record())).toEqual({ record: record(), inserted: true });
    expect(
      await store.insertIfAbsent(record({ sessionId: '33333333-3333-4333-8333-333333333333' })),
    ).toEqual({ record: record(), inserted: false });
    expect(await store.findBySession('tenant-a', record().sessionId)).toEqual(record());
  });

  it('refuses options without a pool or a connection string', () => {
    expect(() => createPostgresStore({ connectionString: '' })).toThrow(TypeError);
    expect(() => createPostgresStore({} as never)).toThrow(/connectionString/);
  });
});
