import type { ConnectionStore, SessionRecord, StatusUpdate } from './connection-store';

/**
 * A {@link ConnectionStore} in process memory, for tests and scripts: everything is lost when
 * the process ends. Records are copied in and out, so callers cannot change stored data.
 */
export function createMemoryStore(): ConnectionStore {
  // Keyed by tenant, then by session id / account id: a lookup cannot reach another tenant.
  const byTenant = new Map<
    string,
    { sessions: Map<string, SessionRecord>; accounts: Map<string, string> }
  >();
  let closed = false;

  function tenant(tenantId: string) {
    let entry = byTenant.get(tenantId);
    if (!entry) {
      entry = { sessions: new Map(), accounts: new Map() };
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
      let latest: SessionRecord | undefined;
      for (const record of byTenant.get(tenantId)?.sessions.values() ?? []) {
        if (record.status !== 'connected') continue;
        if (!latest || (record.verifiedAt ?? '') > (latest.verifiedAt ?? '')) latest = record;
      }
      return copy(latest);
    },
    async insertIfAbsent(record) {
      ensureOpen();
      const entry = tenant(record.tenantId);
      const existingId = entry.accounts.get(record.accountId);
      const existing = existingId === undefined ? undefined : entry.sessions.get(existingId);
      if (existing) return { record: { ...existing }, inserted: false };
      entry.sessions.set(record.sessionId, { ...record });
      entry.accounts.set(record.accountId, record.sessionId);
      return { record: { ...record }, inserted: true };
    },
    async updateStatus(tenantId, sessionId, update: StatusUpdate) {
      ensureOpen();
      const record = byTenant.get(tenantId)?.sessions.get(sessionId);
      if (!record) return null;
      record.status = update.status;
      record.updatedAt = update.updatedAt;
      if (update.roleArn !== undefined) record.roleArn = update.roleArn;
      if (update.verifiedAt !== undefined) record.verifiedAt = update.verifiedAt;
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
