import type pg from 'pg';
import { openPool, type PostgresConnectionOptions, translatePostgresError } from '../postgres-pool';
import type { ConnectionStore, SessionRecord, StatusUpdate } from './connection-store';
import { type MigrationResult, migratePostgres } from './postgres-schema';
import { fromRow, type SessionRow as Row } from './session-row';

/** A {@link ConnectionStore} in PostgreSQL, plus its schema migration. */
export interface PostgresStore extends ConnectionStore {
  /**
   * Creates or upgrades the tables (versioned, idempotent, safe when several instances run it at
   * once). Call it once at start-up or in a deploy step, before serving requests.
   */
  migrate(): Promise<MigrationResult>;
  /** The pool the store queries (the host's, or the one made for `connectionString`). */
  readonly pool: pg.Pool;
}

// Every value is read as text (timestamps as ISO 8601, made in SQL), so a host pool's own type
// parsers cannot change what the store returns. The times keep their names as text, so an ORDER
// BY names the table's column: a bare name would sort by the text and lose the index's order.
const iso = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;
const COLUMNS = `tenant_id, session_id, account_id, external_id, region, stack_name, role_name,
  ${iso('created_at')}, status, role_arn, ${iso('verified_at')}, template_version,
  ${iso('last_checked_at')}, last_check_status, ${iso('updated_at')}`;

const SELECT_BY_ACCOUNT = `SELECT ${COLUMNS} FROM cloud_connect_sessions
  WHERE tenant_id = $1 AND account_id = $2`;
const SELECT_BY_SESSION = `SELECT ${COLUMNS} FROM cloud_connect_sessions
  WHERE tenant_id = $1 AND session_id = $2`;
export const SELECT_CONNECTION = `SELECT ${COLUMNS} FROM cloud_connect_sessions
  WHERE tenant_id = $1 AND status = 'connected'
  ORDER BY cloud_connect_sessions.verified_at DESC NULLS LAST, session_id DESC LIMIT 1`;
// The latest connection and the connections list are exported for the query-plan test. Two statements rather than one with an
// optional cursor, so each seeks the index directly.
export const SELECT_FIRST_PAGE = `SELECT ${COLUMNS} FROM cloud_connect_sessions
  WHERE tenant_id = $1 AND status = 'connected' AND verified_at IS NOT NULL
  ORDER BY cloud_connect_sessions.verified_at DESC NULLS LAST, session_id DESC LIMIT $2`;
export const SELECT_PAGE_AFTER = `SELECT ${COLUMNS} FROM cloud_connect_sessions
  WHERE tenant_id = $1 AND status = 'connected'
    AND (verified_at, session_id) < ($3::timestamptz, $4::text)
  ORDER BY cloud_connect_sessions.verified_at DESC NULLS LAST, session_id DESC LIMIT $2`;
// One statement inserts or, when the tenant already has the account, reads the row that won.
const INSERT_IF_ABSENT = `WITH inserted AS (
    INSERT INTO cloud_connect_sessions (tenant_id, session_id, account_id, external_id, region,
      stack_name, role_name, created_at, status, role_arn, verified_at, template_version,
      last_checked_at, last_check_status, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $13, $14, $15, $12)
    ON CONFLICT (tenant_id, account_id) DO NOTHING
    RETURNING ${COLUMNS}
  )
  SELECT *, 'inserted' AS outcome FROM inserted
  UNION ALL
  SELECT ${COLUMNS}, 'existing' AS outcome FROM cloud_connect_sessions
  WHERE tenant_id = $1 AND account_id = $3 AND NOT EXISTS (SELECT 1 FROM inserted)`;
const UPDATE_STATUS = `UPDATE cloud_connect_sessions
  SET status = $3, updated_at = $4, role_arn = COALESCE($5, role_arn),
    verified_at = COALESCE($6::timestamptz, verified_at),
    template_version = COALESCE($7, template_version),
    last_checked_at = COALESCE($8::timestamptz, last_checked_at),
    last_check_status = COALESCE($9, last_check_status)
  WHERE tenant_id = $1 AND session_id = $2
  RETURNING ${COLUMNS}`;
const RECORD_CHECK = `UPDATE cloud_connect_sessions
  SET last_checked_at = $3, last_check_status = $4
  WHERE tenant_id = $1 AND session_id = $2
  RETURNING ${COLUMNS}`;

// A row committed by another transaction after this statement's snapshot conflicts with the
// insert yet is invisible to its read: the next statement sees it. More misses than this is a bug.
const INSERT_ATTEMPTS = 5;

/**
 * The {@link ConnectionStore} for several instances: sessions in PostgreSQL, through the `pg`
 * driver (an optional peer dependency of this package). Run {@link PostgresStore.migrate} once
 * before serving requests. Every write is one statement and committed before it returns; a
 * database that cannot be reached makes calls reject with a `StoreUnavailableError`, which the
 * handler answers with 503 `UNAVAILABLE`.
 *
 * @example
 * import pg from 'pg';
 * import { createPostgresStore, createPostgresCoordination } from '@porter/cloud-connect-server/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const store = createPostgresStore({ pool });
 * await store.migrate();
 * const handler = createCloudConnectHandler({ store, coordination: createPostgresCoordination({ pool }), ... });
 */
export function createPostgresStore(options: PostgresConnectionOptions): PostgresStore {
  const { pool, owned } = openPool(options);
  let closed = false;

  async function query(name: string, text: string, values: unknown[]): Promise<Row[]> {
    if (closed) throw new Error('The PostgreSQL store is closed.');
    try {
      // Named statements are prepared once per connection.
      return (await pool.query<Row>({ name, text, values })).rows;
    } catch (error) {
      throw translatePostgresError(error);
    }
  }

  async function one(name: string, text: string, values: unknown[]): Promise<SessionRecord | null> {
    const [row] = await query(name, text, values);
    return row ? fromRow(row) : null;
  }

  return {
    pool,
    async migrate() {
      if (closed) throw new Error('The PostgreSQL store is closed.');
      try {
        return await migratePostgres(pool);
      } catch (error) {
        throw translatePostgresError(error);
      }
    },
    findByAccount(tenantId, accountId) {
      return one('cloud_connect_by_account', SELECT_BY_ACCOUNT, [tenantId, accountId]);
    },
    findBySession(tenantId, sessionId) {
      return one('cloud_connect_by_session', SELECT_BY_SESSION, [tenantId, sessionId]);
    },
    findConnection(tenantId) {
      return one('cloud_connect_connection', SELECT_CONNECTION, [tenantId]);
    },
    async listConnections(tenantId, { after, limit }) {
      const rows = after
        ? await query('cloud_connect_page_after', SELECT_PAGE_AFTER, [
            tenantId,
            limit,
            after.verifiedAt,
            after.sessionId,
          ])
        : await query('cloud_connect_first_page', SELECT_FIRST_PAGE, [tenantId, limit]);
      return rows.map(fromRow);
    },
    async insertIfAbsent(record) {
      const values = [
        record.tenantId,
        record.sessionId,
        record.accountId,
        record.externalId,
        record.region,
        record.stackName,
        record.roleName,
        record.createdAt,
        record.status,
        record.roleArn ?? null,
        record.verifiedAt ?? null,
        record.updatedAt,
        record.templateVersion ?? null,
        record.lastCheckedAt ?? null,
        record.lastCheckStatus ?? null,
      ];
      for (let attempt = 0; attempt < INSERT_ATTEMPTS; attempt += 1) {
        const [row] = (await query('cloud_connect_insert', INSERT_IF_ABSENT, values)) as (Row & {
          outcome: 'inserted' | 'existing';
        })[];
        if (row) return { record: fromRow(row), inserted: row.outcome === 'inserted' };
      }
      throw new Error('The session could be neither inserted nor read back.');
    },
    updateStatus(tenantId, sessionId, update: StatusUpdate) {
      return one('cloud_connect_update_status', UPDATE_STATUS, [
        tenantId,
        sessionId,
        update.status,
        update.updatedAt,
        update.roleArn ?? null,
        update.verifiedAt ?? null,
        update.templateVersion ?? null,
        update.lastCheck?.checkedAt ?? null,
        update.lastCheck?.status ?? null,
      ]);
    },
    recordCheck(tenantId, sessionId, check) {
      return one('cloud_connect_record_check', RECORD_CHECK, [
        tenantId,
        sessionId,
        check.checkedAt,
        check.status,
      ]);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (owned) await pool.end();
    },
  };
}
