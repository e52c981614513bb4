import type {
  Blocker,
  CallOptions,
  ConnectBackend,
  Connection,
  ConnectionCheck,
  ConnectSession,
  RevocationCheck,
} from './backend';
import { CloudConnectError, type CloudConnectErrorCode, isErrorCode } from './errors';
import { type MessageOverrides, messageFor } from './messages';

/** Error codes the server's handler answers with, beyond the client's own codes. */
export type WireErrorCode =
  | CloudConnectErrorCode
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UPSTREAM';

/** Every error answer's body. */
export interface WireErrorBody {
  error: { code: WireErrorCode; message: string };
}
/** `POST /sessions` and `POST /revocation/check` request body. */
export interface AccountIdRequest {
  accountId: string;
}
/** `POST /sessions` -> 201. */
export interface CreateSessionResponse {
  session: ConnectSession;
}
/** `POST /sessions/:id/check` -> 200 (failed verdicts too). */
export interface CheckConnectionResponse {
  check: ConnectionCheck;
}
/** `GET /blockers?accountId=` -> 200. */
export interface ListBlockersResponse {
  blockers: Blocker[];
}
/** `POST /revocation/check` -> 200. */
export interface CheckRevocationResponse {
  check: RevocationCheck;
}
/** `GET /connection` -> 200, `null` when there is none. */
export interface GetConnectionResponse {
  connection: Connection | null;
}

/** Headers to send, or a function that makes them per request (for short-lived auth tokens). */
export type HttpBackendHeaders =
  | Record<string, string>
  | (() => Record<string, string> | Promise<Record<string, string>>);

/** Options of `createHttpBackend`. */
export interface HttpBackendOptions {
  /** Where the server's handler is mounted, e.g. `/api/cloud-connect` or an absolute URL. */
  baseUrl: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  headers?: HttpBackendHeaders;
  messages?: MessageOverrides;
}

/** An error from the HTTP backend: a `CloudConnectError` with the HTTP status and Retry-After. */
export class HttpBackendError extends CloudConnectError {
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** The server's `Retry-After`, in ms, on `RATE_LIMITED`. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: CloudConnectErrorCode,
    message: string,
    details: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(code, message, 'cause' in details ? { cause: details.cause } : undefined);
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * Reads a `Retry-After` header (seconds or an HTTP date) as milliseconds; anything else, or
 * more than an hour, is `undefined`.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  return Number.isFinite(ms) && ms >= 0 && ms <= 3_600_000 ? Math.round(ms) : undefined;
}

type Shape<T> = (value: unknown) => value is T;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const hasStrings = (value: Record<string, unknown>, keys: string[]) =>
  keys.every((key) => isString(value[key]));
// Links a page renders as href: only http(s), so a server can never hand it a `javascript:` URL.
// `base` admits relative links (a host's own pages); URL parsing drops tabs and newlines as browsers do.
const isWebLink =
  (base?: string) =>
  (value: unknown): boolean => {
    try {
      const { protocol } = new URL(value as string, base);
      return isString(value) && (protocol === 'https:' || protocol === 'http:');
    } catch {
      return false;
    }
  };
const isOptional = (value: unknown, shape: (v: unknown) => boolean) =>
  value === undefined || shape(value);

/** Whether a value is a `ConnectSession` (every field a string). */
export const isConnectSession: Shape<ConnectSession> = (value): value is ConnectSession =>
  isRecord(value) &&
  hasStrings(value, [
    'sessionId',
    'accountId',
    'externalId',
    'region',
    'stackName',
    'roleName',
    'templateUrl',
    'quickCreateUrl',
    'stacksConsoleUrl',
    'createdAt',
  ]) &&
  [value.templateUrl, value.quickCreateUrl, value.stacksConsoleUrl].every(isWebLink());

const isFailure = (value: Record<string, unknown>) =>
  value.status === 'failed' && isErrorCode(value.code) && isString(value.message);

/** Whether a value is a `ConnectionCheck`. */
export const isConnectionCheck: Shape<ConnectionCheck> = (value): value is ConnectionCheck => {
  if (!isRecord(value)) return false;
  if (value.status === 'pending') {
    return (
      ['not-assumable', 'throttled', 'network'].includes(value.reason as string) &&
      isOptional(value.retryAfterMs, (v) => typeof v === 'number' && v >= 0) &&
      isOptional(value.stackStatus, isString)
    );
  }
  if (value.status === 'connected') {
    return (
      hasStrings(value, ['roleArn', 'verifiedAt']) &&
      isOptional(value.templateVersion, isString) &&
      isOptional(value.warnings, (v) => Array.isArray(v) && v.every(isString))
    );
  }
  return isFailure(value);
};

/** Whether a value is a `RevocationCheck`. */
export const isRevocationCheck: Shape<RevocationCheck> = (value): value is RevocationCheck =>
  isRecord(value) &&
  (value.status === 'revoked' ||
    (value.status === 'pending' && isOptional(value.stackStatus, isString)) ||
    isFailure(value));

/** Whether a value is a `Blocker`. */
export const isBlocker: Shape<Blocker> = (value): value is Blocker =>
  isRecord(value) &&
  hasStrings(value, ['id', 'kind', 'name']) &&
  isOptional(value.href, isWebLink('http://relative.invalid/'));

/** Whether a value is a `Connection`. */
export const isConnection: Shape<Connection> = (value): value is Connection =>
  isRecord(value) && hasStrings(value, ['accountId', 'roleArn', 'verifiedAt', 'sessionId']);

const isBlockers = (value: unknown): value is Blocker[] =>
  Array.isArray(value) && value.every(isBlocker);
const isConnectionOrNull = (value: unknown): value is Connection | null =>
  value === null || isConnection(value);

/**
 * A `ConnectBackend` over the server package's wire protocol (JSON both ways). Every failure
 * is a `HttpBackendError` with a stable `code`: HTML error pages, non-JSON, truncated JSON,
 * unexpected shapes and a throwing `fetch` are all `NETWORK` with a readable message.
 *
 * @example
 * const backend = createHttpBackend({
 *   baseUrl: '/api/cloud-connect',
 *   headers: async () => ({ authorization: `Bearer ${await getToken()}` }),
 * });
 */
export function createHttpBackend(options: HttpBackendOptions): ConnectBackend {
  const { messages } = options;
  const base = options.baseUrl.replace(/\/+$/, '');

  // One request: a GET without a body, or a POST of `body`; the answer's `field` must be a `shape`.
  async function call<T>(
    path: string,
    field: string,
    shape: Shape<T>,
    opts: CallOptions | undefined,
    body?: object,
  ): Promise<T> {
    const signal = opts?.signal;
    const post = body !== undefined;
    let response: Response;
    try {
      const extra =
        typeof options.headers === 'function' ? await options.headers() : options.headers;
      response = await (options.fetch ?? globalThis.fetch)(`${base}${path}`, {
        method: post ? 'POST' : 'GET',
        headers: {
          accept: 'application/json',
          ...extra,
          ...(post && { 'content-type': 'application/json' }),
        },
        ...(post && { body: JSON.stringify(body) }),
        ...(signal && { signal }),
      });
    } catch (cause) {
      // An abort is the caller's own doing: pass it on as it is.
      if (signal?.aborted) throw cause;
      throw new HttpBackendError('NETWORK', messageFor('error.NETWORK', undefined, messages), {
        cause,
      });
    }
    const { status } = response;
    let payload: unknown;
    try {
      payload = JSON.parse(await response.text());
    } catch (cause) {
      if (signal?.aborted) throw cause;
    }
    if (status < 200 || status > 299) {
      const error = isRecord(payload) && isRecord(payload.error) ? payload.error : {};
      // The status decides when the body does not: 401 and 429 always mean what they say.
      const code =
        status === 401
          ? 'UNAUTHORIZED'
          : status === 429
            ? 'RATE_LIMITED'
            : isErrorCode(error.code)
              ? error.code
              : 'NETWORK';
      const retryAfterMs =
        code === 'RATE_LIMITED' ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
      throw new HttpBackendError(code, messageFor(`error.${code}`, undefined, messages), {
        status,
        ...(retryAfterMs !== undefined && { retryAfterMs }),
        ...(isString(error.message) && { cause: error.message }),
      });
    }
    const value = isRecord(payload) ? payload[field] : undefined;
    if (payload === undefined || !shape(value)) {
      const detail = `HTTP ${status}, ${payload === undefined ? 'not JSON' : `no valid "${field}"`}`;
      throw new HttpBackendError(
        'NETWORK',
        messageFor('machine.badResponse', { detail }, messages),
        { status },
      );
    }
    return value;
  }

  return {
    createSession: ({ accountId }, opts) =>
      call('/sessions', 'session', isConnectSession, opts, { accountId }),
    checkConnection: ({ sessionId }, opts) =>
      call(
        `/sessions/${encodeURIComponent(sessionId)}/check`,
        'check',
        isConnectionCheck,
        opts,
        {},
      ),
    listBlockers: ({ accountId }, opts) =>
      call(`/blockers?${new URLSearchParams({ accountId })}`, 'blockers', isBlockers, opts),
    checkRevocation: ({ accountId }, opts) =>
      call('/revocation/check', 'check', isRevocationCheck, opts, { accountId }),
    getConnection: (opts) => call('/connection', 'connection', isConnectionOrNull, opts),
  };
}
