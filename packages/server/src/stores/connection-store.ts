import type { ConnectionCheck } from '@porter/cloud-connect';

/** Where a session stands: created, verified, or verified and then revoked. */
export type SessionStatus = 'pending' | 'connected' | 'revoked';

/** The verdict of a check: `connected`, `pending` or `failed`. */
export type CheckStatus = ConnectionCheck['status'];

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
  /** The role template version the stack reported at the last verification that read one. */
  templateVersion?: string;
  /** ISO 8601; the last check of the role once it was connected (its health). */
  lastCheckedAt?: string;
  /** That check's verdict. */
  lastCheckStatus?: CheckStatus;
  /** ISO 8601. */
  updatedAt: string;
}

/** A change of status; `roleArn`, `verifiedAt`, `templateVersion` and the last check are kept unless given. */
export interface StatusUpdate {
  status: SessionStatus;
  roleArn?: string;
  verifiedAt?: string;
  templateVersion?: string;
  /** A check ran: when (ISO 8601) and its verdict. */
  lastCheck?: CheckRecord;
  /** ISO 8601. */
  updatedAt: string;
}

/** A check of a session's role: when it ran (ISO 8601) and its verdict. */
export interface CheckRecord {
  checkedAt: string;
  status: CheckStatus;
}

/** A place in the list of a tenant's connections: the last one of the page before. */
export interface ConnectionPosition {
  verifiedAt: string;
  sessionId: string;
}

/** Which connections {@link ConnectionStore.listConnections} returns. */
export interface ConnectionListQuery {
  /** Only connections after this one (in the list's order); none: from the newest. */
  after?: ConnectionPosition;
  /** At most this many. */
  limit: number;
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
   * The tenant's connected sessions, newest `verifiedAt` first (then `sessionId`, descending),
   * from an index: paging by position stays stable while sessions are added.
   */
  listConnections(tenantId: string, query: ConnectionListQuery): Promise<SessionRecord[]>;
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
  /**
   * Records a check of a session without changing its status (a connected role that could not be
   * assumed stays connected until revoked); null when the tenant has no such session.
   */
  recordCheck(
    tenantId: string,
    sessionId: string,
    check: CheckRecord,
  ): Promise<SessionRecord | null>;
  /** Releases the store's resources; later calls reject. */
  close(): Promise<void>;
}
