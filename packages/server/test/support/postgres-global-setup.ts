// Vitest global setup: one PostgreSQL server for the package's tests, started before any test
// file and stopped after the last. Tests make their own database on it with createDatabase().
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The connection string of the test server's `postgres` database. */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.destroy();
}
