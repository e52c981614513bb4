import { openSqliteDatabase, type SqliteStoreOptions } from '../stores/sqlite-store';
import type {
  ClosableStackEventStore,
  StackEventSession,
  StackEventState,
} from './stack-event-store';

interface StateRow {
  stack_id: string;
  phase: StackEventState['phase'];
  at: number;
  failure_reported: number | null;
  follow_until: number | null;
}

interface StateParams {
  sessionId: string;
  stackId: string;
  phase: StackEventState['phase'];
  at: number;
  failureReported: number | null;
  followUntil: number | null;
}

// Expired message ids are removed a few at a time on each delivery, so the table stays bounded
// by the notifications of the last `maxMessageAgeMs` without one long delete.
const PURGE_BATCH = 100;

/**
 * The {@link StackEventStore} in a SQLite file: events and seen SNS message ids survive a
 * restart, and processes sharing the file share them. Pass the path given to `createSqliteStore`
 * to keep everything in one file (the schema is shared and versioned with `user_version`).
 *
 * @example
 * const store = createSqliteStore('./cloud-connect.sqlite');
 * const events = createSqliteStackEventStore('./cloud-connect.sqlite');
 * createCloudConnectHandler({ store, config: { events: { topics, tokenSecret, store: events } }, ... });
 */
export function createSqliteStackEventStore(
  path: string,
  options: SqliteStoreOptions = {},
): ClosableStackEventStore {
  const db = openSqliteDatabase(path, options);

  const upsertSession = db.prepare<[StackEventSession]>(
    `INSERT INTO stack_event_sessions (session_id, tenant_id, account_id)
     VALUES (@sessionId, @tenantId, @accountId)
     ON CONFLICT (session_id) DO UPDATE
       SET tenant_id = excluded.tenant_id, account_id = excluded.account_id`,
  );
  const selectSession = db.prepare<[string], { tenant_id: string; account_id: string }>(
    'SELECT tenant_id, account_id FROM stack_event_sessions WHERE session_id = ?',
  );
  const purgeMessages = db.prepare<[number, number]>(
    `DELETE FROM stack_event_messages WHERE message_id IN (
       SELECT message_id FROM stack_event_messages WHERE expires_at < ? LIMIT ?)`,
  );
  // An id seen before but past its expiry counts as new, as it would once purged.
  const claimMessage = db.prepare<[{ messageId: string; expiresAt: number; now: number }]>(
    `INSERT INTO stack_event_messages (message_id, expires_at) VALUES (@messageId, @expiresAt)
     ON CONFLICT (message_id) DO UPDATE SET expires_at = excluded.expires_at
       WHERE stack_event_messages.expires_at < @now`,
  );
  const selectState = db.prepare<[string], StateRow>(
    `SELECT stack_id, phase, at, failure_reported, follow_until
     FROM stack_event_states WHERE session_id = ?`,
  );
  const upsertState = db.prepare<[StateParams]>(
    `INSERT INTO stack_event_states (session_id, stack_id, phase, at, failure_reported, follow_until)
     VALUES (@sessionId, @stackId, @phase, @at, @failureReported, @followUntil)
     ON CONFLICT (session_id) DO UPDATE SET stack_id = excluded.stack_id,
       phase = excluded.phase, at = excluded.at, failure_reported = excluded.failure_reported,
       follow_until = excluded.follow_until`,
  );
  const selectFollowed = db.prepare<[number], { session_id: string }>(
    'SELECT session_id FROM stack_event_states WHERE follow_until > ?',
  );
  // IMMEDIATE takes the write lock first, so two processes cannot both claim one id.
  const firstDelivery = db.transaction((messageId: string, expiresAt: number, now: number) => {
    purgeMessages.run(now, PURGE_BATCH);
    return claimMessage.run({ messageId, expiresAt, now }).changes === 1;
  });
  // Run IMMEDIATE too: the write lock is taken before the read, so another process on the file
  // cannot change the state between this read and this write.
  const updateState = db.transaction(
    (
      sessionId: string,
      update: (current: StackEventState | null) => StackEventState | null,
    ): StackEventState | null => {
      const row = selectState.get(sessionId);
      const next = update(row ? stateFromRow(row) : null);
      if (next === null) return null;
      upsertState.run({
        sessionId,
        stackId: next.stackId,
        phase: next.phase,
        at: next.at,
        failureReported: next.failureReported === undefined ? null : Number(next.failureReported),
        followUntil: next.followUntil ?? null,
      });
      return { ...next };
    },
  );

  return {
    async rememberSession(session) {
      upsertSession.run({
        sessionId: session.sessionId,
        tenantId: session.tenantId,
        accountId: session.accountId,
      });
    },
    async sessionOf(sessionId) {
      const row = selectSession.get(sessionId);
      return row ? { sessionId, tenantId: row.tenant_id, accountId: row.account_id } : null;
    },
    async firstDelivery(messageId, expiresAt, now) {
      return firstDelivery.immediate(messageId, expiresAt, now);
    },
    async stateOf(sessionId) {
      const row = selectState.get(sessionId);
      return row ? stateFromRow(row) : null;
    },
    async updateState(sessionId, update) {
      return updateState.immediate(sessionId, update);
    },
    async followed(now) {
      return selectFollowed.all(now).map((row) => row.session_id);
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

function stateFromRow(row: StateRow): StackEventState {
  return {
    stackId: row.stack_id,
    phase: row.phase,
    at: row.at,
    ...(row.failure_reported === null ? {} : { failureReported: row.failure_reported === 1 }),
    ...(row.follow_until === null ? {} : { followUntil: row.follow_until }),
  };
}
