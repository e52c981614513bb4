import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloudConnectHandler } from './handler';
import { concatBytes, DEFAULT_MAX_BODY_BYTES } from './request-body';
import { errorResponse } from './wire-errors';
import { type WireMessageOverrides, wireMessage } from './wire-messages';

// Methods the Fetch API's Request refuses to carry (Node's parser hands them over in upper case).
const FETCH_FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /** Bodies longer than this are refused with 413 while streaming in. @default 16384 */
  maxBodyBytes?: number;
  /** Used to build the request URL when the request has no usable Host header. @default 'localhost' */
  fallbackHost?: string;
  /** Replacements for the 413 answer's message. */
  wireMessages?: WireMessageOverrides;
}

/** A listener for `http.createServer` (and Express, whose `req`/`res` extend Node's). */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Adapts a Fetch-API handler to Node's `http.createServer`. The body is read with the same cap
 * as the handler (the socket is not drained past it), and a client that disconnects aborts the
 * request's signal, so a check nobody waits for is cancelled.
 *
 * @example
 * http.createServer(toNodeListener(handler)).listen(3000);
 */
export function toNodeListener(
  handler: CloudConnectHandler,
  options: NodeListenerOptions = {},
): NodeListener {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return (req, res) => {
    void respond(req, res).catch(() => {
      // Writing failed (the socket is gone): nothing is left to tell anyone.
      res.destroy();
    });
  };

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });

    const method = req.method ?? 'GET';
    if (FETCH_FORBIDDEN_METHODS.has(method)) {
      // `new Request` refuses these, so no route can be asked; no route accepts them either.
      await send(
        res,
        errorResponse(
          'METHOD_NOT_ALLOWED',
          wireMessage('methodNotAllowed', { method, allowed: 'GET or POST' }, options.wireMessages),
          { allow: 'GET, POST' },
        ),
      );
      return;
    }

    const hasBody = method !== 'GET' && method !== 'HEAD';
    const body = hasBody ? await readBody(req, limit) : new Uint8Array(0);
    if (body === 'too-large') {
      await send(
        res,
        errorResponse(
          'PAYLOAD_TOO_LARGE',
          wireMessage('payloadTooLarge', { limit }, options.wireMessages),
          { connection: 'close' },
        ),
      );
      return;
    }
    if (body === 'failed') {
      res.destroy();
      return;
    }

    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      try {
        for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
      } catch {
        // A header the Fetch API refuses is dropped rather than failing the request.
      }
    }
    const request = new Request(requestUrl(req, options.fallbackHost ?? 'localhost'), {
      method,
      headers,
      ...(hasBody ? { body } : {}),
      signal: controller.signal,
    });
    await send(res, await handler(request));
  }
}

function requestUrl(req: IncomingMessage, fallbackHost: string): string {
  const path = req.url?.startsWith('/') ? req.url : '/';
  // Appended to an origin, not resolved against one: resolving would read `//x/...` as host x.
  return `${originOf(req.headers.host) ?? originOf(fallbackHost) ?? 'http://localhost'}${path}`;
}

// A Host header that is not a host yields nothing, so the fallback is used.
function originOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  try {
    return new URL(`http://${host}`).origin;
  } catch {
    return undefined;
  }
}

function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | 'too-large' | 'failed'> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (result: Uint8Array<ArrayBuffer> | 'too-large' | 'failed') => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      total += chunk.length;
      if (total > limit) {
        // Stop buffering at once; the rest of the stream is discarded.
        req.pause();
        finish('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(concatBytes(chunks, total)));
    req.on('error', () => finish('failed'));
    req.on('aborted', () => finish('failed'));
  });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}
