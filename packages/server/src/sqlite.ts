// `@porter/cloud-connect-server/sqlite`: the embedded store; needs the optional peer better-sqlite3.

export { createSqliteStackEventStore } from './stack-events/sqlite-stack-event-store';
export {
  createSqliteStore,
  SQLITE_SCHEMA_VERSION,
  type SqliteStoreOptions,
} from './stores/sqlite-store';
