import type { MessageId, MessageOverrides } from './messages';
import { errorMessages } from './messages/errors';
import { formatMessage } from './messages/format';

/** Stable error codes. A host may branch on these; their meaning never changes. */
export type CloudConnectErrorCode =
  | 'INVALID_ACCOUNT_ID'
  | 'SESSION_FAILED'
  | 'NETWORK'
  | 'UNAUTHORIZED'
  | 'RATE_LIMITED'
  | 'STACK_FAILED'
  | 'EXTERNAL_ID_NOT_ENFORCED'
  | 'STS_REGION_DISABLED'
  | 'VENDOR_CREDENTIALS'
  | 'TIMED_OUT'
  | 'ACCESS_LOST'
  | 'REVOKE_BLOCKED'
  | 'INVALID_SNAPSHOT'
  | 'MISCONFIGURED'
  | 'SESSION_NOT_FOUND';

export const ERROR_CODES: readonly CloudConnectErrorCode[] = [
  'INVALID_ACCOUNT_ID',
  'SESSION_FAILED',
  'NETWORK',
  'UNAUTHORIZED',
  'RATE_LIMITED',
  'STACK_FAILED',
  'EXTERNAL_ID_NOT_ENFORCED',
  'STS_REGION_DISABLED',
  'VENDOR_CREDENTIALS',
  'TIMED_OUT',
  'ACCESS_LOST',
  'REVOKE_BLOCKED',
  'INVALID_SNAPSHOT',
  'MISCONFIGURED',
  'SESSION_NOT_FOUND',
];

const RETRYABLE: readonly CloudConnectErrorCode[] = [
  'NETWORK',
  'RATE_LIMITED',
  'SESSION_FAILED',
  'TIMED_OUT',
  'ACCESS_LOST',
];

/** Whether waiting and trying again can fix an error with this code (no fix by anyone needed). */
export function isRetryableCode(code: CloudConnectErrorCode): boolean {
  return RETRYABLE.includes(code);
}

/** Whether a string is one of the stable error codes. */
export function isErrorCode(value: unknown): value is CloudConnectErrorCode {
  return (ERROR_CODES as readonly unknown[]).includes(value);
}

/**
 * Facts for the developer who debugs an error: never needed to render it, and UIs do not show
 * it by default (it may name internal URLs). Plain data, so it survives JSON.
 */
export interface ErrorDetail {
  /** The HTTP status, when the server answered. */
  status?: number;
  /** The URL that was requested. */
  url?: string;
  /** What went wrong underneath, as text: a thrown error's message or the server's own. */
  cause?: string;
  /** The likely fix, when the error says what it is (e.g. `MISCONFIGURED`). */
  hint?: string;
}

/** The plain-data form of an error, as kept in machine context (it must survive JSON). */
export interface ErrorInfo {
  code: CloudConnectErrorCode;
  message: string;
  retryable: boolean;
  /** Developer-only facts (status, URL, cause); never needed for rendering. */
  detail?: ErrorDetail;
}

/**
 * The one error type Cloud Connect throws or reports.
 *
 * @example
 * try { createCloudConnect({ backend, snapshot }) }
 * catch (error) { if (error instanceof CloudConnectError && error.code === 'INVALID_SNAPSHOT') start over }
 */
export class CloudConnectError extends Error {
  override readonly name = 'CloudConnectError';
  readonly code: CloudConnectErrorCode;
  readonly retryable: boolean;
  /** Developer-only facts (status, URL, cause, likely fix); never needed for rendering. */
  readonly detail: ErrorDetail | undefined;

  constructor(
    code: CloudConnectErrorCode,
    message?: string,
    options?: { cause?: unknown; detail?: ErrorDetail },
  ) {
    super(message ?? formatMessage(errorMessages, `error.${code}`), options);
    this.code = code;
    this.retryable = isRetryableCode(code);
    this.detail = options?.detail;
  }

  /** The plain-data form, for context, logs and the wire. */
  toJSON(): ErrorInfo {
    return errorInfo(this.code, this.message, undefined, this.detail);
  }
}

/** Builds the plain-data error for a code, with the catalog's message unless one is given. */
export function errorInfo(
  code: CloudConnectErrorCode,
  message?: string,
  messages?: MessageOverrides,
  detail?: ErrorDetail,
): ErrorInfo {
  return {
    code,
    message: message ?? formatMessage(errorMessages, `error.${code}`, undefined, messages),
    retryable: isRetryableCode(code),
    ...(detail && { detail }),
  };
}

/**
 * A refused input: a stable code and its message from the caller's area of the catalog (what
 * the domain's parsers return).
 */
export function refusal<C extends string, Id extends MessageId>(
  code: C,
  catalog: Readonly<Record<Id, string>>,
  id: Id,
  values?: Readonly<Record<string, string | number>>,
  messages?: MessageOverrides,
): { ok: false; code: C; message: string } {
  return { ok: false, code, message: formatMessage(catalog, id, values, messages) };
}
