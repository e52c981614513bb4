/** Where a session stands: created, verified, or verified and then revoked. */
export type SessionStatus = 'pending' | 'connected' | 'revoked';

/**
 * One tenant's record for one AWS account. The ExternalId in it is what the customer's role
 * trusts, so a record is never replaced: only its status changes.
 */
export interface SessionRecord {
  tenantId: string;
  sessionId: string;
  accountId: string;
  externalId: string;
  region: string;
  stackName: string;
  roleName: string;
  /** ISO 8601. */
  createdAt: string;
  status: SessionStatus;
  /** Set once the role was verified. */
  roleArn?: string;
  /** ISO 8601; the last successful verification. */
  verifiedAt?: string;
  /** ISO 8601. */
  updatedAt: string;
}

/** A change of status; `roleArn` and `verifiedAt` are kept unless given. */
export interface StatusUpdate {
  status: SessionStatus;
  roleArn?: string;
  verifiedAt?: string;
  /** ISO 8601. */
  updatedAt: string;
}

/**
 * Durable sessions. Every method returns a promise so a networked store (Postgres, DynamoDB)
 * can implement it; every lookup is scoped to a tenant, so no query can cross tenants.
 */
export interface ConnectionStore {
  /** The tenant's session for an account, or null. */
  findByAccount(tenantId: string, accountId: string): Promise<SessionRecord | null>;
  /** The tenant's session with this id, or null (also when it belongs to another tenant). */
  findBySession(tenantId: string, sessionId: string): Promise<SessionRecord | null>;
  /** The tenant's most recently verified session that is still connected, or null. */
  findConnection(tenantId: string): Promise<SessionRecord | null>;
  /**
   * Stores `record` unless the tenant already has a session for its account; atomically, so two
   * concurrent creates keep one ExternalId. Returns the record that is stored.
   */
  insertIfAbsent(record: SessionRecord): Promise<{ record: SessionRecord; inserted: boolean }>;
  /** Changes a session's status; null when the tenant has no such session. */
  updateStatus(
    tenantId: string,
    sessionId: string,
    update: StatusUpdate,
  ): Promise<SessionRecord | null>;
  /** Releases the store's resources; later calls reject. */
  close(): Promise<void>;
}
