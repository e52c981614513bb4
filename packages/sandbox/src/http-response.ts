import type { ServerResponse } from 'node:http';

/** A response the sandbox's routes compute before anything is written. */
export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A plain-text or JSON answer for the sandbox's own (non-AWS) routes. */
export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

/** An HTML page. */
export function htmlResponse(
  status: number,
  html: string,
  headers: Record<string, string> = {},
): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
    body: html,
  };
}

/** A 303 See Other, the answer to a form post that worked. */
export function redirectResponse(location: string): SandboxResponse {
  return {
    status: 303,
    headers: { location, 'content-type': 'text/plain; charset=utf-8' },
    body: `See ${location}`,
  };
}

/**
 * Writes a computed response, unless the client has gone. For HEAD, the headers (the real
 * Content-Length included, as S3 gives it) without the body.
 */
export function writeResponse(
  res: ServerResponse,
  response: SandboxResponse,
  options: { head?: boolean } = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(response.status, {
    ...response.headers,
    'content-length': String(Buffer.byteLength(response.body)),
    'cache-control': 'no-store',
  });
  res.end(options.head ? undefined : response.body);
}
