import type { WireErrorCode as ClientWireErrorCode } from '@porter/cloud-connect';

/** The error codes of the wire protocol (docs/server.md), with their HTTP status. */
export const WIRE_ERROR_STATUS = {
  BAD_REQUEST: 400,
  INVALID_ACCOUNT_ID: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  REQUEST_TIMEOUT: 408,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM: 502,
  UNAVAILABLE: 503,
  // Every code but INTERNAL, REQUEST_TIMEOUT (from the Node listener) and UNAVAILABLE (the store's
  // database is away) is named in core's wire types; its client reads unknown codes as NETWORK,
  // which is retryable: right for all three.
} as const satisfies Partial<
  Record<ClientWireErrorCode | 'INTERNAL' | 'REQUEST_TIMEOUT' | 'UNAVAILABLE', number>
>;

/** A code in an error body: `{ error: { code, message } }`. */
export type WireErrorCode = keyof typeof WIRE_ERROR_STATUS;

/** The body of every error answer. */
export interface WireErrorBody {
  error: { code: WireErrorCode; message: string };
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  // Answers are per tenant and change with every check: no cache may keep them.
  'cache-control': 'no-store',
} as const;

/** A JSON answer with the headers every answer of the handler carries; `T` is the wire type of the body. */
export function jsonResponse<T>(
  status: number,
  body: T,
  headers?: Readonly<Record<string, string>>,
): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** An error answer: the status that belongs to `code`, and `{ error: { code, message } }`. */
export function errorResponse(
  code: WireErrorCode,
  message: string,
  headers?: Readonly<Record<string, string>>,
): Response {
  const body: WireErrorBody = { error: { code, message } };
  return jsonResponse(WIRE_ERROR_STATUS[code], body, headers);
}
