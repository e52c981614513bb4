import type pg from 'pg';

/**
 * Each version appends one migration; none is ever edited, since databases out there already
 * ran it. Sessions hold no AWS credentials, only what the customer's role
 * trusts (the ExternalId) and what was verified. Flights and rate buckets are UNLOGGED: they
 * are seconds-long coordination state that a crash may empty without harm, so they skip the WAL.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE cloud_connect_sessions (
     tenant_id   text        NOT NULL,
     session_id  text        NOT NULL,
     account_id  text        NOT NULL CHECK (account_id ~ '^[0-9]{12}$'),
     external_id text        NOT NULL,
     region      text        NOT NULL,
     stack_name  text        NOT NULL,
     role_name   text        NOT NULL,
     created_at  timestamptz NOT NULL,
     status      text        NOT NULL CHECK (status IN ('pending', 'connected', 'revoked')),
     role_arn    text,
     verified_at timestamptz,
     updated_at  timestamptz NOT NULL,
     PRIMARY KEY (tenant_id, session_id),
     UNIQUE (tenant_id, account_id)
   );
   CREATE INDEX cloud_connect_sessions_connected
     ON cloud_connect_sessions (tenant_id, verified_at DESC NULLS LAST)
     WHERE status = 'connected';
   CREATE UNLOGGED TABLE cloud_connect_flights (
     key          text        PRIMARY KEY,
     holder       text        NOT NULL,
     lease_until  timestamptz NOT NULL,
     result       jsonb,
     result_until timestamptz
   );
   CREATE UNLOGGED TABLE cloud_connect_rate_buckets (
     key        text             PRIMARY KEY,
     tokens     double precision NOT NULL,
     updated_at timestamptz      NOT NULL,
     full_at    timestamptz      NOT NULL
   );`,
  // Version 2: the connections list (template version, last check) and its index, which also
  // serves the most recent connection, so it replaces version 1's index.
  `ALTER TABLE cloud_connect_sessions
     ADD COLUMN template_version  text,
     ADD COLUMN last_checked_at   timestamptz,
     ADD COLUMN last_check_status text CHECK (last_check_status IN ('pending', 'connected', 'failed'));
   DROP INDEX cloud_connect_sessions_connected;
   CREATE INDEX cloud_connect_sessions_connections
     ON cloud_connect_sessions (tenant_id, verified_at DESC NULLS LAST, session_id DESC)
     WHERE status = 'connected';`,
  // Version 3: stack events (createPostgresStackEventStore), shared by every instance, since SNS
  // and the browser's check may reach different ones. Times are epoch ms, as the interface has them.
  `CREATE TABLE cloud_connect_event_sessions (
     session_id text PRIMARY KEY,
     tenant_id  text NOT NULL,
     account_id text NOT NULL
   );
   CREATE TABLE cloud_connect_event_states (
     session_id       text    PRIMARY KEY,
     stack_id         text    NOT NULL,
     phase            text    NOT NULL CHECK (phase IN ('creating', 'role-created', 'deleted')),
     at               bigint  NOT NULL,
     failure_reported boolean,
     follow_until     bigint
   );
   CREATE INDEX cloud_connect_event_states_followed
     ON cloud_connect_event_states (follow_until) WHERE follow_until IS NOT NULL;
   CREATE TABLE cloud_connect_event_messages (
     message_id text   PRIMARY KEY,
     expires_at bigint NOT NULL
   );
   CREATE INDEX cloud_connect_event_messages_expiry ON cloud_connect_event_messages (expires_at);`,
];

/** The schema version this code writes (the highest row of `cloud_connect_schema`). */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

// Any fixed number works: it names this package's migration lock among the database's advisory locks.
const MIGRATION_LOCK = 7_306_010_401_227_651;

/** What {@link migratePostgres} found and left. */
export interface MigrationResult {
  /** The version before (0: a database without Cloud Connect tables). */
  from: number;
  /** The version after: {@link POSTGRES_SCHEMA_VERSION}. */
  to: number;
}

/**
 * Brings the database to {@link POSTGRES_SCHEMA_VERSION} in one transaction. An advisory lock
 * makes instances that start together take turns: the first migrates, the others find the work
 * done. A database written by a newer version is refused, never downgraded.
 */
export async function migratePostgres(pool: pg.Pool): Promise<MigrationResult> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS cloud_connect_schema (
         version    integer     PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ version: number }>(
      'SELECT COALESCE(max(version), 0)::integer AS version FROM cloud_connect_schema',
    );
    // A host pool's type parsers may hand the integer back as text.
    const from = Number(rows[0]?.version ?? 0);
    if (from > MIGRATIONS.length) {
      throw new Error(
        `This database was written by a newer version of @porter/cloud-connect-server (schema ${from}; this version knows ${MIGRATIONS.length}). Upgrade the package.`,
      );
    }
    for (let next = from; next < MIGRATIONS.length; next += 1) {
      await client.query(MIGRATIONS[next] ?? '');
      await client.query('INSERT INTO cloud_connect_schema (version) VALUES ($1)', [next + 1]);
    }
    await client.query('COMMIT');
    return { from, to: MIGRATIONS.length };
  } catch (error) {
    failed = true;
    // A rollback on a dead connection fails too; the original error is the one to report.
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    // After a failure the connection may be broken: close it rather than hand it out again.
    client.release(failed);
  }
}
