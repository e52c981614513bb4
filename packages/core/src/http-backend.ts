import {
  type Blocker,
  type CallOptions,
  type ConnectBackend,
  type ConnectedAccount,
  type Connection,
  type ConnectionCheck,
  type ConnectionPage,
  type ConnectionsBackend,
  type ConnectSession,
  honouredRetryAfter,
  MAX_CONNECTIONS_PAGE_SIZE,
  type RevocationCheck,
} from './backend';
import {
  CloudConnectError,
  type CloudConnectErrorCode,
  type ErrorDetail,
  isErrorCode,
} from './errors';
import type { MessageOverrides } from './messages';
import { errorMessages } from './messages/errors';
import { formatMessage } from './messages/format';

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

/** `GET /connections?cursor=&limit=` -> 200: one page, newest verification first. */
export interface ListConnectionsResponse {
  connections: ConnectedAccount[];
  /** The `cursor` of the next page; null on the last page. */
  nextCursor: string | null;
}
/** `GET /connections/:accountId` -> 200 (404 `NOT_FOUND` when the tenant has no such connection). */
export interface GetConnectionByAccountResponse {
  connection: ConnectedAccount;
}

/** What `createHttpBackend` returns: the machine's calls and the tenant's connections. */
export interface HttpBackend extends ConnectBackend, ConnectionsBackend {
  getConnection(opts?: CallOptions): Promise<Connection | null>;
}

/** Headers to send, or a function that makes them per request (for short-lived auth tokens). */
export type HttpBackendHeaders =
  | Record<string, string>
  | (() => Record<string, string> | Promise<Record<string, string>>);

/** Options of `createHttpBackend`. */
export interface HttpBackendOptions {
  /**
   * Where the server's handler is mounted (its `basePath`): an absolute http(s) URL, or a
   * relative one such as `/api/cloud-connect` where there is a page to resolve it against
   * (`globalThis.location`; not during server rendering).
   */
  baseUrl: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  headers?: HttpBackendHeaders;
  messages?: MessageOverrides;
  /**
   * The largest response body read, in bytes; past it the download is cancelled and the call
   * fails with `NETWORK`. @default 1048576 (1 MiB)
   */
  maxResponseBytes?: number;
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
    details: { status?: number; retryAfterMs?: number; cause?: unknown; detail?: ErrorDetail } = {},
  ) {
    super(code, message, {
      ...('cause' in details && { cause: details.cause }),
      ...(details.detail && { detail: details.detail }),
    });
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * Reads a `Retry-After` header (seconds or an HTTP date) as milliseconds, capped at an hour;
 * anything else (a past date, nonsense) is `undefined`.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  return honouredRetryAfter(/^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now);
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
      ['not-assumable', 'creating', 'throttled', 'network'].includes(value.reason as string) &&
      isOptional(value.retryAfterMs, (v) => honouredRetryAfter(v) !== undefined) &&
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

const CHECK_STATUSES: readonly unknown[] = ['pending', 'connected', 'failed'];

/** Whether a value is a `ConnectedAccount` (a `Connection` with its template and health facts). */
export const isConnectedAccount: Shape<ConnectedAccount> = (value): value is ConnectedAccount =>
  isConnection(value) &&
  isRecord(value) &&
  (value.templateVersion === null || isString(value.templateVersion)) &&
  typeof value.updateDue === 'boolean' &&
  (value.lastHealthCheck === null ||
    (isRecord(value.lastHealthCheck) &&
      isString(value.lastHealthCheck.checkedAt) &&
      CHECK_STATUSES.includes(value.lastHealthCheck.status)));

const isConnectionPage = (value: unknown): value is ConnectionPage =>
  isRecord(value) &&
  Array.isArray(value.connections) &&
  value.connections.every(isConnectedAccount) &&
  (value.nextCursor === null || (isString(value.nextCursor) && value.nextCursor !== ''));

const isBlockers = (value: unknown): value is Blocker[] =>
  Array.isArray(value) && value.every(isBlocker);
const isConnectionOrNull = (value: unknown): value is Connection | null =>
  value === null || isConnection(value);

// Statuses that mean the request never reached a Cloud Connect route that takes it: the
// integration is wrong (baseUrl vs basePath, a proxy that changes method or content type, or
// middleware in front of the handler that refuses it).
const MISCONFIGURED_STATUSES: readonly number[] = [403, 404, 405, 415];

const DEFAULT_MAX_RESPONSE_BYTES = 1_048_576;

// The page a relative baseUrl resolves against, if there is one.
const pageUrl = () => (globalThis as { location?: { href?: unknown } }).location?.href;

const RELATIVE_WITHOUT_PAGE =
  'is relative and there is no page to resolve it against (no globalThis.location: Node, a worker, server rendering): pass an absolute URL';

// An http(s) base URL, resolved against the page; the reason it is not one, else.
function baseUrlProblem(baseUrl: unknown): string | undefined {
  const page = pageUrl();
  try {
    const { protocol } = new URL(baseUrl as string, typeof page === 'string' ? page : undefined);
    if (typeof baseUrl === 'string' && (protocol === 'https:' || protocol === 'http:')) {
      return undefined;
    }
  } catch {}
  return typeof baseUrl === 'string' &&
    typeof page !== 'string' &&
    !/^[a-z][a-z\d+.-]*:/i.test(baseUrl)
    ? RELATIVE_WITHOUT_PAGE
    : 'is not an http(s) URL';
}

// A response's body as text, reading at most `limit` bytes: past it, the download is cancelled
// and the answer is null (never buffered whole).
async function readBody(response: Response, limit: number): Promise<string | null> {
  const body = response.body;
  if (!body) return '';
  if (Number(response.headers.get('content-length')) > limit) {
    body.cancel().catch(() => {});
    return null;
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(read.value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** One request of the wire protocol. */
interface Route<T> {
  path: string;
  /** The answer's field that holds the value; none: the whole answer is the value. */
  field?: string;
  shape: Shape<T>;
  /** A POST's JSON body; a GET has none. */
  body?: object;
  /** The route names a session or connection: a 404 `NOT_FOUND` means the server forgot it. */
  namesSession?: boolean;
}

/**
 * A `ConnectBackend` over the server package's wire protocol (JSON both ways). Every failure
 * is a `HttpBackendError` with a stable `code` and a developer `detail` (status, URL, cause):
 * a throwing `fetch`, HTML error pages, non-JSON, truncated JSON, unexpected shapes and bodies
 * over `maxResponseBytes` are `NETWORK` with a readable message; 403, 404, 405 and 415 are
 * `MISCONFIGURED` (the integration is wrong; `detail.hint` says what to check), except a 404
 * `NOT_FOUND` from a session's or connection's route, which is `SESSION_NOT_FOUND`.
 *
 * A relative `baseUrl` resolves against the page when a request is made, so a backend created
 * during server rendering (a module-level constant) is fine; a request where there is still no
 * page fails `MISCONFIGURED`, naming the option.
 *
 * @throws CloudConnectError `MISCONFIGURED` when `baseUrl` is not an http(s) URL.
 * @example
 * const backend = createHttpBackend({
 *   baseUrl: '/api/cloud-connect',
 *   headers: async () => ({ authorization: `Bearer ${await getToken()}` }),
 * });
 */
export function createHttpBackend(options: HttpBackendOptions): HttpBackend {
  const { baseUrl, messages, maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES } = options;
  const problem = baseUrlProblem(baseUrl);
  if (problem && problem !== RELATIVE_WITHOUT_PAGE) {
    throw new CloudConnectError(
      'MISCONFIGURED',
      `createHttpBackend: baseUrl ${JSON.stringify(baseUrl)} ${problem}.`,
    );
  }
  const base = baseUrl.replace(/\/+$/, '');
  const fail = (
    code: CloudConnectErrorCode,
    detail: ErrorDetail,
    extra: { retryAfterMs?: number; cause?: unknown } = {},
    message = formatMessage(errorMessages, `error.${code}`, undefined, messages),
  ) =>
    new HttpBackendError(code, message, {
      ...extra,
      ...(detail.status !== undefined && { status: detail.status }),
      detail,
    });

  async function call<T>(route: Route<T>, opts: CallOptions | undefined): Promise<T> {
    const signal = opts?.signal;
    const post = route.body !== undefined;
    const method = post ? 'POST' : 'GET';
    const url = `${base}${route.path}`;
    if (problem && baseUrlProblem(baseUrl)) {
      throw fail('MISCONFIGURED', {
        url,
        hint: `createHttpBackend: baseUrl ${JSON.stringify(baseUrl)} ${RELATIVE_WITHOUT_PAGE}.`,
      });
    }
    let response: Response;
    try {
      const extra =
        typeof options.headers === 'function' ? await options.headers() : options.headers;
      response = await (options.fetch ?? globalThis.fetch)(url, {
        method,
        headers: {
          accept: 'application/json',
          ...extra,
          ...(post && { 'content-type': 'application/json' }),
        },
        ...(post && { body: JSON.stringify(route.body) }),
        ...(signal && { signal }),
      });
    } catch (cause) {
      // An abort is the caller's own doing: pass it on as it is.
      if (signal?.aborted) throw cause;
      throw fail('NETWORK', { url, cause: String(cause) }, { cause });
    }
    const { status } = response;
    let payload: unknown;
    let text: string | null = '';
    try {
      text = await readBody(response, maxResponseBytes);
      if (text !== null) payload = JSON.parse(text);
    } catch (cause) {
      if (signal?.aborted) throw cause;
    }
    if (status < 200 || status > 299) {
      const error = isRecord(payload) && isRecord(payload.error) ? payload.error : undefined;
      const said = isString(error?.message) ? error.message : undefined;
      const detail: ErrorDetail = {
        status,
        url,
        ...(said !== undefined && {
          cause: isString(error?.code) ? `${error.code}: ${said}` : said,
        }),
      };
      // The status decides when the body does not: 401 and 429 always mean what they say.
      let code: CloudConnectErrorCode = 'NETWORK';
      if (status === 401) code = 'UNAUTHORIZED';
      else if (status === 429) code = 'RATE_LIMITED';
      else if (isErrorCode(error?.code)) code = error.code;
      else if (status === 404 && route.namesSession && error?.code === 'NOT_FOUND') {
        code = 'SESSION_NOT_FOUND';
      } else if (MISCONFIGURED_STATUSES.includes(status)) {
        code = 'MISCONFIGURED';
        // Cloud Connect's routes never answer 403: a layer in front of the handler refused.
        detail.hint = `${method} ${url} answered ${status}${error ? '' : ', not from Cloud Connect'}: ${
          status === 403
            ? 'a layer in front of its handler (CSRF, auth) refused it: let the routes through, or send what it needs in headers.'
            : `check that baseUrl (${baseUrl}) matches the server's basePath, and that nothing in between changes the method or the JSON content type.`
        }`;
      }
      const retryAfterMs =
        code === 'RATE_LIMITED' ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
      throw fail(code, detail, {
        ...(retryAfterMs !== undefined && { retryAfterMs }),
        ...(said !== undefined && { cause: said }),
      });
    }
    const value =
      route.field === undefined ? payload : isRecord(payload) ? payload[route.field] : undefined;
    if (payload === undefined || !route.shape(value)) {
      const why =
        text === null
          ? `over ${maxResponseBytes} bytes`
          : payload === undefined
            ? 'not JSON'
            : `no valid "${route.field ?? 'answer'}"`;
      const detail = `HTTP ${status}, ${why}`;
      throw fail(
        'NETWORK',
        { status, url, cause: detail },
        {},
        formatMessage(errorMessages, 'machine.badResponse', { detail }, messages),
      );
    }
    return value;
  }

  return {
    createSession: ({ accountId }, opts) =>
      call(
        { path: '/sessions', field: 'session', shape: isConnectSession, body: { accountId } },
        opts,
      ),
    async checkConnection({ sessionId }, opts) {
      const check = await call(
        {
          path: `/sessions/${encodeURIComponent(sessionId)}/check`,
          field: 'check',
          shape: isConnectionCheck,
          body: {},
          namesSession: true,
        },
        opts,
      );
      const retryAfterMs =
        check.status === 'pending' ? honouredRetryAfter(check.retryAfterMs) : undefined;
      return retryAfterMs === undefined ? check : { ...check, retryAfterMs };
    },
    listBlockers: ({ accountId }, opts) =>
      call(
        {
          path: `/blockers?${new URLSearchParams({ accountId })}`,
          field: 'blockers',
          shape: isBlockers,
        },
        opts,
      ),
    checkRevocation: ({ accountId }, opts) =>
      call(
        {
          path: '/revocation/check',
          field: 'check',
          shape: isRevocationCheck,
          body: { accountId },
          namesSession: true,
        },
        opts,
      ),
    getConnection: (opts) =>
      call({ path: '/connection', field: 'connection', shape: isConnectionOrNull }, opts),
    async listConnections(input = {}, opts) {
      const query = new URLSearchParams();
      const { cursor, limit } = input;
      if (cursor !== undefined) {
        if (typeof cursor !== 'string' || cursor === '') {
          throw new TypeError(
            `listConnections: cursor must be a previous page's nextCursor, got ${JSON.stringify(cursor)}.`,
          );
        }
        query.set('cursor', cursor);
      }
      if (limit !== undefined) {
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CONNECTIONS_PAGE_SIZE) {
          throw new RangeError(
            `listConnections: limit must be an integer from 1 to ${MAX_CONNECTIONS_PAGE_SIZE}, got ${String(limit)}.`,
          );
        }
        query.set('limit', String(limit));
      }
      const search = query.toString();
      return call(
        { path: `/connections${search ? `?${search}` : ''}`, shape: isConnectionPage },
        opts,
      );
    },
    async getConnectionByAccount({ accountId }, opts) {
      try {
        return await call(
          {
            path: `/connections/${encodeURIComponent(accountId)}`,
            field: 'connection',
            shape: isConnectedAccount,
            namesSession: true,
          },
          opts,
        );
      } catch (error) {
        // The server's own 404 for this account: no connection. A 404 from elsewhere stays MISCONFIGURED.
        if (error instanceof HttpBackendError && error.code === 'SESSION_NOT_FOUND') return null;
        throw error;
      }
    },
  };
}
