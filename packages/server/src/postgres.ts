// `@porter/cloud-connect-server/postgres`: sessions and cross-instance coordination in PostgreSQL,
// on the `pg` driver (an optional peer dependency: install it to use this entry).
export {
  createPostgresCoordination,
  type PostgresCoordination,
  type PostgresCoordinationOptions,
  type PostgresCoordinationTimings,
} from './postgres-coordination';
export type { PostgresConnectionOptions } from './postgres-pool';
export {
  createPostgresStackEventStore,
  type PostgresStackEventStore,
} from './stack-events/postgres-stack-event-store';
export { type MigrationResult, POSTGRES_SCHEMA_VERSION } from './stores/postgres-schema';
export { createPostgresStore, type PostgresStore } from './stores/postgres-store';
