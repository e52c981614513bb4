import type {
  ConnectionPosition,
  ConnectionStore,
  SessionRecord,
  StatusUpdate,
} from './connection-store';

interface TenantEntry {
  sessions: Map<string, SessionRecord>;
  accounts: Map<string, string>;
  /** Connected sessions in list order (newest `verifiedAt` first): the connections index. */
  connections: SessionRecord[];
}

/**
 * A {@link ConnectionStore} in process memory, for tests and scripts: everything is lost when
 * the process ends. Records are copied in and out, so callers cannot change stored data.
 */
export function createMemoryStore(): ConnectionStore {
  // Keyed by tenant, then by session id / account id: a lookup cannot reach another tenant.
  const byTenant = new Map<string, TenantEntry>();
  let closed = false;

  function tenant(tenantId: string): TenantEntry {
    let entry = byTenant.get(tenantId);
    if (!entry) {
      entry = { sessions: new Map(), accounts: new Map(), connections: [] };
      byTenant.set(tenantId, entry);
    }
    return entry;
  }

  function ensureOpen(): void {
    if (closed) throw new Error('The memory store is closed.');
  }

  return {
    async findByAccount(tenantId, accountId) {
      ensureOpen();
      const entry = byTenant.get(tenantId);
      const sessionId = entry?.accounts.get(accountId);
      return copy(sessionId === undefined ? undefined : entry?.sessions.get(sessionId));
    },
    async findBySession(tenantId, sessionId) {
      ensureOpen();
      return copy(byTenant.get(tenantId)?.sessions.get(sessionId));
    },
    async findConnection(tenantId) {
      ensureOpen();
      return copy(byTenant.get(tenantId)?.connections[0]);
    },
    async listConnections(tenantId, { after, limit }) {
      ensureOpen();
      const connections = byTenant.get(tenantId)?.connections ?? [];
      const start = after ? firstAfter(connections, after) : 0;
      return connections.slice(start, start + limit).map((record) => ({ ...record }));
    },
    async insertIfAbsent(record) {
      ensureOpen();
      const entry = tenant(record.tenantId);
      const existingId = entry.accounts.get(record.accountId);
      const existing = existingId === undefined ? undefined : entry.sessions.get(existingId);
      if (existing) return { record: { ...existing }, inserted: false };
      const stored = { ...record };
      entry.sessions.set(record.sessionId, stored);
      entry.accounts.set(record.accountId, record.sessionId);
      index(entry, stored);
      return { record: { ...record }, inserted: true };
    },
    async updateStatus(tenantId, sessionId, update: StatusUpdate) {
      ensureOpen();
      const entry = byTenant.get(tenantId);
      const record = entry?.sessions.get(sessionId);
      if (!entry || !record) return null;
      unindex(entry, record);
      record.status = update.status;
      record.updatedAt = update.updatedAt;
      if (update.roleArn !== undefined) record.roleArn = update.roleArn;
      if (update.verifiedAt !== undefined) record.verifiedAt = update.verifiedAt;
      if (update.templateVersion !== undefined) record.templateVersion = update.templateVersion;
      if (update.lastCheck !== undefined) {
        record.lastCheckedAt = update.lastCheck.checkedAt;
        record.lastCheckStatus = update.lastCheck.status;
      }
      index(entry, record);
      return { ...record };
    },
    async recordCheck(tenantId, sessionId, check) {
      ensureOpen();
      const record = byTenant.get(tenantId)?.sessions.get(sessionId);
      if (!record) return null;
      record.lastCheckedAt = check.checkedAt;
      record.lastCheckStatus = check.status;
      return { ...record };
    },
    async close() {
      closed = true;
      byTenant.clear();
    },
  };
}

function copy(record: SessionRecord | undefined): SessionRecord | null {
  return record ? { ...record } : null;
}

// List order: `verifiedAt` descending, then `sessionId` descending (ISO 8601 sorts as text).
function comesBefore(a: ConnectionPosition, b: ConnectionPosition): boolean {
  return a.verifiedAt !== b.verifiedAt ? a.verifiedAt > b.verifiedAt : a.sessionId > b.sessionId;
}

// The index of the first connection that comes after `position` (binary search).
function firstAfter(connections: readonly SessionRecord[], position: ConnectionPosition): number {
  let low = 0;
  let high = connections.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const record = connections[middle] as SessionRecord & ConnectionPosition;
    if (comesBefore(position, record)) high = middle;
    else low = middle + 1;
  }
  return low;
}

function isListed(record: SessionRecord): record is SessionRecord & ConnectionPosition {
  return record.status === 'connected' && record.verifiedAt !== undefined;
}

function index(entry: TenantEntry, record: SessionRecord): void {
  if (!isListed(record)) return;
  entry.connections.splice(firstAfter(entry.connections, record), 0, record);
}

function unindex(entry: TenantEntry, record: SessionRecord): void {
  if (!isListed(record)) return;
  // The record sorts just before the first position after it.
  const at = firstAfter(entry.connections, record) - 1;
  if (entry.connections[at] === record) entry.connections.splice(at, 1);
}
