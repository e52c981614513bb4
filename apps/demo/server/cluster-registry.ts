/**
 * The demo product's clusters: what a partner runs in a connected AWS account, and what
 * Cloud Connect's "delete clusters first" asks about before access is revoked. Kept in SQLite
 * beside the connection store, so a restart keeps them.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

/** One cluster of one tenant in one AWS account. */
export interface Cluster {
  id: string;
  accountId: string;
  name: string;
  createdAt: string;
}

/** The clusters of every tenant. */
export interface ClusterRegistry {
  list(tenantId: string, accountId: string): Cluster[];
  create(tenantId: string, accountId: string, name: string): Cluster;
  /** Whether a cluster of this tenant was deleted (false when there is none with the id). */
  delete(tenantId: string, clusterId: string): boolean;
  close(): void;
}

interface ClusterRow {
  id: string;
  account_id: string;
  name: string;
  created_at: string;
}

/** Opens (or creates) the registry in the SQLite file at `path`. */
export function openClusterRegistry(path: string): ClusterRegistry {
  const db = new Database(path, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS clusters (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
  )`);
  const select = db.prepare<[string, string], ClusterRow>(
    'SELECT id, account_id, name, created_at FROM clusters WHERE tenant_id = ? AND account_id = ? ORDER BY created_at, id',
  );
  const insert = db.prepare<[string, string, string, string, string]>(
    'INSERT INTO clusters (id, tenant_id, account_id, name, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const remove = db.prepare<[string, string]>(
    'DELETE FROM clusters WHERE tenant_id = ? AND id = ?',
  );

  return {
    list: (tenantId, accountId) =>
      select.all(tenantId, accountId).map((row) => ({
        id: row.id,
        accountId: row.account_id,
        name: row.name,
        createdAt: row.created_at,
      })),
    create(tenantId, accountId, name) {
      const cluster = { id: randomUUID(), accountId, name, createdAt: new Date().toISOString() };
      insert.run(cluster.id, tenantId, accountId, name, cluster.createdAt);
      return cluster;
    },
    delete: (tenantId, clusterId) => remove.run(tenantId, clusterId).changes > 0,
    close: () => db.close(),
  };
}
