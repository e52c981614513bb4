import Database from 'better-sqlite3';
import type {
  CheckStatus,
  ConnectionStore,
  SessionRecord,
  SessionStatus,
} from './connection-store';
import { fromRow, type SessionRow as Row } from './session-row';

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock before failing. @default 5000 */
  busyTimeoutMs?: number;
}

/** The schema version this code writes; stored in SQLite's `user_version`. */
export const SQLITE_SCHEMA_VERSION = 3;

// Each version appends one migration to this list; none is ever edited.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS sessions (
     tenant_id   TEXT NOT NULL,
     session_id  TEXT NOT NULL,
     account_id  TEXT NOT NULL,
     external_id TEXT NOT NULL,
     region      TEXT NOT NULL,
     stack_name  TEXT NOT NULL,
     role_name   TEXT NOT NULL,
     created_at  TEXT NOT NULL,
     status      TEXT NOT NULL CHECK (status IN ('pending', 'connected', 'revoked')),
     role_arn    TEXT,
     verified_at TEXT,
     updated_at  TEXT NOT NULL,
     PRIMARY KEY (tenant_id, session_id),
     UNIQUE (tenant_id, account_id)
   ) WITHOUT ROWID;
   CREATE INDEX IF NOT EXISTS sessions_connected
     ON sessions (tenant_id, status, verified_at);`,
  // Version 2: the connections list (template version, last check) and its index, which also
  // serves the most recent connection, so it replaces version 1's index.
  `ALTER TABLE sessions ADD COLUMN template_version TEXT;
   ALTER TABLE sessions ADD COLUMN last_checked_at TEXT;
   ALTER TABLE sessions ADD COLUMN last_check_status TEXT
     CHECK (last_check_status IN ('pending', 'connected', 'failed'));
   DROP INDEX IF EXISTS sessions_connected;
   CREATE INDEX sessions_connections
     ON sessions (tenant_id, verified_at DESC, session_id DESC)
     WHERE status = 'connected';`,
  // Version 3: stack events (createSqliteStackEventStore), kept beside the sessions so one file
  // serves both. Times are epoch ms, as the StackEventStore interface has them.
  `CREATE TABLE stack_event_sessions (
     session_id TEXT PRIMARY KEY,
     tenant_id  TEXT NOT NULL,
     account_id TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE stack_event_states (
     session_id       TEXT PRIMARY KEY,
     stack_id         TEXT NOT NULL,
     phase            TEXT NOT NULL CHECK (phase IN ('creating', 'role-created', 'deleted')),
     at               INTEGER NOT NULL,
     failure_reported INTEGER,
     follow_until     INTEGER
   ) WITHOUT ROWID;
   CREATE INDEX stack_event_states_followed
     ON stack_event_states (follow_until) WHERE follow_until IS NOT NULL;
   CREATE TABLE stack_event_messages (
     message_id TEXT PRIMARY KEY,
     expires_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX stack_event_messages_expiry ON stack_event_messages (expires_at);`,
];

interface UpdateParams {
  tenantId: string;
  sessionId: string;
  status: SessionStatus;
  updatedAt: string;
  roleArn: string | null;
  verifiedAt: string | null;
  templateVersion: string | null;
  checkedAt: string | null;
  checkStatus: CheckStatus | null;
}

interface CheckParams {
  tenantId: string;
  sessionId: string;
  checkedAt: string;
  checkStatus: CheckStatus;
}

interface PageParams {
  tenantId: string;
  limit: number;
  verifiedAt?: string;
  sessionId?: string;
}

// The latest connection and the connections list, exported for the query-plan test. Two list
// statements rather than one with an optional cursor, so each seeks the index directly.
export const SQLITE_LATEST_CONNECTION = `SELECT * FROM sessions
  WHERE tenant_id = @tenantId AND status = 'connected'
  ORDER BY verified_at DESC, session_id DESC LIMIT 1`;
export const SQLITE_FIRST_PAGE = `SELECT * FROM sessions
  WHERE tenant_id = @tenantId AND status = 'connected' AND verified_at IS NOT NULL
  ORDER BY verified_at DESC, session_id DESC LIMIT @limit`;
export const SQLITE_PAGE_AFTER = `SELECT * FROM sessions
  WHERE tenant_id = @tenantId AND status = 'connected'
    AND (verified_at, session_id) < (@verifiedAt, @sessionId)
  ORDER BY verified_at DESC, session_id DESC LIMIT @limit`;

/**
 * The embedded default {@link ConnectionStore}: one SQLite file (better-sqlite3, opened
 * synchronously). The schema is created on first open and versioned with `user_version`; WAL
 * mode and a busy timeout let several processes share the file without losing a session.
 *
 * @example
 * const store = createSqliteStore('./cloud-connect.sqlite');
 */
export function createSqliteStore(path: string, options: SqliteStoreOptions = {}): ConnectionStore {
  const db = openSqliteDatabase(path, options);

  const selectByAccount = db.prepare<[string, string], Row>(
    'SELECT * FROM sessions WHERE tenant_id = ? AND account_id = ?',
  );
  const selectBySession = db.prepare<[string, string], Row>(
    'SELECT * FROM sessions WHERE tenant_id = ? AND session_id = ?',
  );
  const selectConnection = db.prepare<[{ tenantId: string }], Row>(SQLITE_LATEST_CONNECTION);
  const selectFirstPage = db.prepare<[PageParams], Row>(SQLITE_FIRST_PAGE);
  const selectPageAfter = db.prepare<[PageParams], Row>(SQLITE_PAGE_AFTER);
  const insert = db.prepare(
    `INSERT INTO sessions (tenant_id, session_id, account_id, external_id, region, stack_name,
       role_name, created_at, status, role_arn, verified_at, template_version, last_checked_at,
       last_check_status, updated_at)
     VALUES (@tenantId, @sessionId, @accountId, @externalId, @region, @stackName, @roleName,
       @createdAt, @status, @roleArn, @verifiedAt, @templateVersion, @lastCheckedAt,
       @lastCheckStatus, @updatedAt)
     ON CONFLICT DO NOTHING`,
  );
  // One statement writes and reads back the row, so no transaction is needed around it.
  const update = db.prepare<[UpdateParams], Row>(
    `UPDATE sessions SET status = @status, updated_at = @updatedAt,
       role_arn = COALESCE(@roleArn, role_arn), verified_at = COALESCE(@verifiedAt, verified_at),
       template_version = COALESCE(@templateVersion, template_version),
       last_checked_at = COALESCE(@checkedAt, last_checked_at),
       last_check_status = COALESCE(@checkStatus, last_check_status)
     WHERE tenant_id = @tenantId AND session_id = @sessionId
     RETURNING *`,
  );
  const updateCheck = db.prepare<[CheckParams], Row>(
    `UPDATE sessions SET last_checked_at = @checkedAt, last_check_status = @checkStatus
     WHERE tenant_id = @tenantId AND session_id = @sessionId
     RETURNING *`,
  );

  // IMMEDIATE takes the write lock first, so the insert and the read see one state across processes.
  const insertIfAbsent = db.transaction((record: SessionRecord) => {
    const { changes } = insert.run({
      ...record,
      roleArn: record.roleArn ?? null,
      verifiedAt: record.verifiedAt ?? null,
      templateVersion: record.templateVersion ?? null,
      lastCheckedAt: record.lastCheckedAt ?? null,
      lastCheckStatus: record.lastCheckStatus ?? null,
    });
    const stored = selectByAccount.get(record.tenantId, record.accountId);
    if (!stored) throw new Error('The session vanished right after it was stored.');
    return { record: fromRow(stored), inserted: changes === 1 };
  });

  return {
    async findByAccount(tenantId, accountId) {
      const row = selectByAccount.get(tenantId, accountId);
      return row ? fromRow(row) : null;
    },
    async findBySession(tenantId, sessionId) {
      const row = selectBySession.get(tenantId, sessionId);
      return row ? fromRow(row) : null;
    },
    async findConnection(tenantId) {
      const row = selectConnection.get({ tenantId });
      return row ? fromRow(row) : null;
    },
    async listConnections(tenantId, { after, limit }) {
      const rows = after
        ? selectPageAfter.all({ tenantId, limit, ...after })
        : selectFirstPage.all({ tenantId, limit });
      return rows.map(fromRow);
    },
    async insertIfAbsent(record) {
      return insertIfAbsent.immediate(record);
    },
    async updateStatus(tenantId, sessionId, change) {
      const row = update.get({
        tenantId,
        sessionId,
        status: change.status,
        updatedAt: change.updatedAt,
        roleArn: change.roleArn ?? null,
        verifiedAt: change.verifiedAt ?? null,
        templateVersion: change.templateVersion ?? null,
        checkedAt: change.lastCheck?.checkedAt ?? null,
        checkStatus: change.lastCheck?.status ?? null,
      });
      return row ? fromRow(row) : null;
    },
    async recordCheck(tenantId, sessionId, check) {
      const row = updateCheck.get({
        tenantId,
        sessionId,
        checkedAt: check.checkedAt,
        checkStatus: check.status,
      });
      return row ? fromRow(row) : null;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

/** Opens (creating or upgrading) a Cloud Connect SQLite file: WAL, busy timeout, schema. */
export function openSqliteDatabase(path: string, options: SqliteStoreOptions): Database.Database {
  const db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true });
    const version = typeof current === 'number' ? current : 0;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `This database was written by a newer version of @porter/cloud-connect-server (schema ${version}; this version knows ${MIGRATIONS.length}). Upgrade the package.`,
      );
    }
    for (let next = version; next < MIGRATIONS.length; next += 1) {
      db.exec(MIGRATIONS[next] ?? '');
    }
    if (version !== MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
