import { openPool, type PostgresConnectionOptions, translatePostgresError } from '../postgres-pool';
import { type MigrationResult, migratePostgres } from '../stores/postgres-schema';
import type { ClosableStackEventStore, StackEventState } from './stack-event-store';

/** A {@link ClosableStackEventStore} in PostgreSQL, plus the schema migration. */
export interface PostgresStackEventStore extends ClosableStackEventStore {
  /**
   * Creates or upgrades the tables: the same migration as `createPostgresStore().migrate()`, so
   * either one run before serving requests is enough.
   */
  migrate(): Promise<MigrationResult>;
}

interface StateRow {
  stack_id: string;
  phase: StackEventState['phase'];
  at: string;
  failure_reported: boolean | null;
  follow_until: string | null;
}

const UPSERT_SESSION = `INSERT INTO cloud_connect_event_sessions (session_id, tenant_id, account_id)
  VALUES ($1, $2, $3)
  ON CONFLICT (session_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, account_id = EXCLUDED.account_id`;
const SELECT_SESSION = `SELECT tenant_id, account_id FROM cloud_connect_event_sessions
  WHERE session_id = $1`;
// Expired ids go a few at a time on each delivery, so the table stays bounded by the
// notifications of the last `maxMessageAgeMs` without one long delete.
const PURGE_MESSAGES = `DELETE FROM cloud_connect_event_messages WHERE message_id IN (
    SELECT message_id FROM cloud_connect_event_messages WHERE expires_at < $1 LIMIT 100)`;
// One statement claims the id; an id past its expiry counts as new, as it would once purged.
// Two instances claiming one id at once: the second waits on the first's row lock and then
// finds it unexpired, so exactly one gets a row back.
const CLAIM_MESSAGE = `INSERT INTO cloud_connect_event_messages (message_id, expires_at)
  VALUES ($1, $2)
  ON CONFLICT (message_id) DO UPDATE SET expires_at = EXCLUDED.expires_at
    WHERE cloud_connect_event_messages.expires_at < $3
  RETURNING 1 AS claimed`;
// Numbers are read as text so a host pool's type parsers cannot change them.
const SELECT_STATE = `SELECT stack_id, phase, at::text AS at, failure_reported,
    follow_until::text AS follow_until
  FROM cloud_connect_event_states WHERE session_id = $1`;
// updateState's transaction: the row lock of FOR UPDATE holds off any other instance's update
// of the session until COMMIT. A session without a state has no row to lock, so its first state
// is inserted with DO NOTHING: losing that race means another instance's row now exists.
const LOCK_STATE = `${SELECT_STATE} FOR UPDATE`;
const INSERT_STATE = `INSERT INTO cloud_connect_event_states
    (session_id, stack_id, phase, at, failure_reported, follow_until)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (session_id) DO NOTHING`;
const UPDATE_STATE = `UPDATE cloud_connect_event_states SET stack_id = $2, phase = $3, at = $4,
    failure_reported = $5, follow_until = $6
  WHERE session_id = $1`;
const SELECT_FOLLOWED = `SELECT session_id FROM cloud_connect_event_states
  WHERE follow_until > $1`;

/**
 * The {@link StackEventStore} for several instances: events and seen SNS message ids in
 * PostgreSQL, so a notification SNS delivers to one instance shows in a check another answers,
 * and a replay is refused whichever instance it reaches. Uses the tables of
 * `createPostgresStore`'s migration; pass the same pool to share its connections. A database
 * that cannot be reached makes calls reject with a `StoreUnavailableError`.
 *
 * @example
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const store = createPostgresStore({ pool });
 * await store.migrate();
 * const events = createPostgresStackEventStore({ pool });
 * createCloudConnectHandler({ store, config: { events: { topics, tokenSecret, store: events } }, ... });
 */
export function createPostgresStackEventStore(
  options: PostgresConnectionOptions,
): PostgresStackEventStore {
  const { pool, owned } = openPool(options);
  let closed = false;

  async function query<Row extends object>(
    name: string,
    text: string,
    values: unknown[],
  ): Promise<{ rows: Row[]; rowCount: number }> {
    if (closed) throw new Error('The PostgreSQL stack event store is closed.');
    try {
      const result = await pool.query<Row>({ name, text, values });
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (error) {
      throw translatePostgresError(error);
    }
  }

  return {
    async migrate() {
      if (closed) throw new Error('The PostgreSQL stack event store is closed.');
      try {
        return await migratePostgres(pool);
      } catch (error) {
        throw translatePostgresError(error);
      }
    },
    async rememberSession(session) {
      await query('cloud_connect_event_session_put', UPSERT_SESSION, [
        session.sessionId,
        session.tenantId,
        session.accountId,
      ]);
    },
    async sessionOf(sessionId) {
      const { rows } = await query<{ tenant_id: string; account_id: string }>(
        'cloud_connect_event_session_get',
        SELECT_SESSION,
        [sessionId],
      );
      const row = rows[0];
      return row ? { sessionId, tenantId: row.tenant_id, accountId: row.account_id } : null;
    },
    async firstDelivery(messageId, expiresAt, now) {
      await query('cloud_connect_event_purge', PURGE_MESSAGES, [now]);
      const { rowCount } = await query('cloud_connect_event_claim', CLAIM_MESSAGE, [
        messageId,
        expiresAt,
        now,
      ]);
      return rowCount === 1;
    },
    async stateOf(sessionId) {
      const { rows } = await query<StateRow>('cloud_connect_event_state_get', SELECT_STATE, [
        sessionId,
      ]);
      const row = rows[0];
      return row ? stateFromRow(row) : null;
    },
    async updateState(sessionId, update) {
      if (closed) throw new Error('The PostgreSQL stack event store is closed.');
      const client = await pool.connect().catch((error: unknown) => {
        throw translatePostgresError(error);
      });
      let broken = false;
      // A checked-out connection that drops emits 'error', which would end the process when
      // nobody listens; the query under way rejects with the reason.
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      try {
        for (;;) {
          await client.query('BEGIN');
          const { rows } = await client.query<StateRow>({
            name: 'cloud_connect_event_state_lock',
            text: LOCK_STATE,
            values: [sessionId],
          });
          const row = rows[0];
          const current = row ? stateFromRow(row) : null;
          const next = update(current);
          if (next === null) {
            await client.query('COMMIT');
            return null;
          }
          const values = [
            sessionId,
            next.stackId,
            next.phase,
            next.at,
            next.failureReported ?? null,
            next.followUntil ?? null,
          ];
          if (current) {
            await client.query({
              name: 'cloud_connect_event_state_update',
              text: UPDATE_STATE,
              values,
            });
          } else {
            const inserted = await client.query({
              name: 'cloud_connect_event_state_insert',
              text: INSERT_STATE,
              values,
            });
            if (inserted.rowCount === 0) {
              // Another instance stored the session's first state meanwhile: start again, and
              // this time lock its row.
              await client.query('ROLLBACK');
              continue;
            }
          }
          await client.query('COMMIT');
          return { ...next };
        }
      } catch (error) {
        // A connection whose rollback fails too may be broken: close it rather than reuse it.
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw translatePostgresError(error);
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    },
    async followed(now) {
      const { rows } = await query<{ session_id: string }>(
        'cloud_connect_event_followed',
        SELECT_FOLLOWED,
        [now],
      );
      return rows.map((row) => row.session_id);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (owned) await pool.end();
    },
  };
}

function stateFromRow(row: StateRow): StackEventState {
  return {
    stackId: row.stack_id,
    phase: row.phase,
    at: Number(row.at),
    ...(row.failure_reported === null ? {} : { failureReported: row.failure_reported }),
    ...(row.follow_until === null ? {} : { followUntil: Number(row.follow_until) }),
  };
}
