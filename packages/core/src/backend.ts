import type { CloudConnectErrorCode, ErrorDetail } from './errors';

/** Options every backend call accepts; aborting the signal cancels the request. */
export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * The tenant's record for one AWS account. Creating it again for the same tenant and account
 * returns the same `sessionId` and ExternalId for ever (the customer's role trusts it).
 */
export interface ConnectSession {
  sessionId: string;
  accountId: string;
  externalId: string;
  region: string;
  stackName: string;
  roleName: string;
  templateUrl: string;
  quickCreateUrl: string;
  stacksConsoleUrl: string;
  /** ISO 8601. */
  createdAt: string;
}

/**
 * Why a check is not conclusive yet. `not-assumable` covers "still creating" and "wrong
 * account"; `creating` is what a server with stack events says once CloudFormation told it the
 * stack started and the role cannot be assumed yet.
 */
export type PendingReason = 'not-assumable' | 'creating' | 'throttled' | 'network';

/** The outcome of one verification attempt (the polling loop lives in the machine). */
export type ConnectionCheck =
  | {
      status: 'pending';
      reason: PendingReason;
      retryAfterMs?: number;
      stackStatus?: string;
    }
  | {
      status: 'connected';
      roleArn: string;
      /** ISO 8601. */
      verifiedAt: string;
      templateVersion?: string;
      warnings?: string[];
    }
  | {
      status: 'failed';
      code: CloudConnectErrorCode;
      message: string;
      /** Developer-only facts of an error a backend threw (never sent by the server). */
      detail?: ErrorDetail;
    };

/** The outcome of one revocation check. */
export type RevocationCheck =
  | { status: 'revoked' }
  | { status: 'pending'; stackStatus?: string }
  | {
      status: 'failed';
      code: CloudConnectErrorCode;
      message: string;
      /** Developer-only facts of an error a backend threw (never sent by the server). */
      detail?: ErrorDetail;
    };

/** Something that must go before access is revoked (a cluster Porter manages). */
export interface Blocker {
  id: string;
  kind: 'cluster' | (string & {});
  name: string;
  href?: string;
}

/** A verified connection to one AWS account. */
export interface Connection {
  accountId: string;
  roleArn: string;
  /** ISO 8601. */
  verifiedAt: string;
  sessionId: string;
}

/** The last check of a connection's role after it was verified: when it ran and its verdict. */
export interface ConnectionHealth {
  /** ISO 8601. */
  checkedAt: string;
  /** `connected`: the role can still be assumed; `pending` or `failed`: it could not be. */
  status: ConnectionCheck['status'];
}

/** A verified connection as the connections routes list it: the connection and how it stands. */
export interface ConnectedAccount extends Connection {
  /** The role template version the stack reported when it was last verified; null when unknown. */
  templateVersion: string | null;
  /** Whether the stack runs an older template than the server's, so the customer should update it. */
  updateDue: boolean;
  /** The last check of the role after it was connected; null when none ran. */
  lastHealthCheck: ConnectionHealth | null;
}

/** The page size of `listConnections` when none is asked for. */
export const DEFAULT_CONNECTIONS_PAGE_SIZE = 50;
/** The largest page `listConnections` answers. */
export const MAX_CONNECTIONS_PAGE_SIZE = 200;

/** What `listConnections` asks for: a page size and where the previous page ended. */
export interface ListConnectionsInput {
  /** The previous page's `nextCursor`; none for the first page. */
  cursor?: string;
  /** 1 to `MAX_CONNECTIONS_PAGE_SIZE`. @default 50 */
  limit?: number;
}

/** One page of a tenant's connections, newest verification first. */
export interface ConnectionPage {
  connections: ConnectedAccount[];
  /** Pass it as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * A tenant's connections, for dashboards that list every connected account (the machine does
 * not need these calls). `createHttpBackend` implements it.
 */
export interface ConnectionsBackend {
  /** One page of the tenant's connections, newest verification first; stable while connections are added. */
  listConnections(input?: ListConnectionsInput, opts?: CallOptions): Promise<ConnectionPage>;
  /** The tenant's connection to an account, or null when the tenant has none (or it was revoked). */
  getConnectionByAccount(
    input: { accountId: string },
    opts?: CallOptions,
  ): Promise<ConnectedAccount | null>;
}

/**
 * Everything the machine needs from the host's backend. `createHttpBackend` implements it
 * over the server package's wire protocol; tests and scripts may implement it directly.
 */
export interface ConnectBackend {
  createSession(input: { accountId: string }, opts?: CallOptions): Promise<ConnectSession>;
  checkConnection(input: { sessionId: string }, opts?: CallOptions): Promise<ConnectionCheck>;
  listBlockers(input: { accountId: string }, opts?: CallOptions): Promise<Blocker[]>;
  checkRevocation(input: { accountId: string }, opts?: CallOptions): Promise<RevocationCheck>;
  getConnection?(opts?: CallOptions): Promise<Connection | null>;
}

/** The longest wait a server's `retryAfterMs` or `Retry-After` is honoured for: one hour. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * A server's requested wait as the client honours it: a finite number of ms >= 0, capped at
 * `MAX_RETRY_AFTER_MS` (a longer timer would overflow or look like a hang); anything else is
 * `undefined`.
 */
export function honouredRetryAfter(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? Math.min(Math.round(value), MAX_RETRY_AFTER_MS)
    : undefined;
}

const DETAIL_TEXT_KEYS = ['url', 'cause', 'hint'] as const;

/**
 * The plain-data `ErrorDetail` in a value (e.g. a thrown error's `detail`): only its known
 * fields of the right types, so what lands in context stays JSON. `undefined` when none.
 */
export function toErrorDetail(value: unknown): ErrorDetail | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const source = value as Record<string, unknown>;
  const detail: ErrorDetail = {};
  if (typeof source.status === 'number' && Number.isInteger(source.status)) {
    detail.status = source.status;
  }
  for (const key of DETAIL_TEXT_KEYS) {
    if (typeof source[key] === 'string') detail[key] = source[key];
  }
  return Object.keys(detail).length > 0 ? detail : undefined;
}
