import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloudConnectHandler } from './handler';
import { BodyAlreadyReadError, concatBytes, DEFAULT_MAX_BODY_BYTES } from './request-body';
import { errorResponse } from './wire-errors';
import { type WireMessageOverrides, wireMessage } from './wire-messages';

// Methods the Fetch API's Request refuses to carry (Node's parser hands them over in upper case).
const FETCH_FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** How long a request body may take to arrive, unless configured otherwise: 30 s. */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /** Bodies longer than this are refused with 413 while streaming in. @default 16384 */
  maxBodyBytes?: number;
  /**
   * A body still incomplete this long after the headers is answered 408 `REQUEST_TIMEOUT` and
   * its connection closed, so a stalled or trickling client holds nothing open. @default 30000
   */
  bodyTimeoutMs?: number;
  /** Used to build the request URL when the request has no usable Host header. @default 'localhost' */
  fallbackHost?: string;
  /** Replacements for the 405, 408 and 413 answers' messages. */
  wireMessages?: WireMessageOverrides;
}

/** A listener for `http.createServer` (and Express, whose `req`/`res` extend Node's). */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Adapts a Fetch-API handler to Node's `http.createServer`. The body is read with the same cap
 * as the handler (the socket is not drained past it) and within `bodyTimeoutMs`, and a client
 * that disconnects aborts the request's signal, so a check nobody waits for is cancelled.
 * Mount it before any body parser: a body already read (`express.json()` ran first) cannot be
 * read again, so such a request is answered 500 and the handler's logger says so.
 *
 * @example
 * http.createServer(toNodeListener(handler)).listen(3000);
 */
export function toNodeListener(
  handler: CloudConnectHandler,
  options: NodeListenerOptions = {},
): NodeListener {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
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
    const body = !hasBody
      ? new Uint8Array(0)
      : alreadyRead(req)
        ? bodyAlreadyRead(req)
        : await readBody(req, limit, timeoutMs);
    if (body === 'timed-out') {
      await send(
        res,
        errorResponse(
          'REQUEST_TIMEOUT',
          wireMessage('requestTimeout', { seconds: timeoutMs / 1000 }, options.wireMessages),
          { connection: 'close' },
        ),
      );
      return;
    }
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
      ...(hasBody ? { body, duplex: 'half' } : {}),
      signal: controller.signal,
    });
    await send(res, await handler(request));
  }
}

function requestUrl(req: IncomingMessage, fallbackHost: string): string {
  const target = req.url ?? '/';
  // Absolute form (`GET http://host/path`, RFC 9112 section 3.2.2): the target names the host.
  if (ABSOLUTE_FORM.test(target)) {
    const url = parseHttpUrl(target);
    if (url) return url.href;
  }
  const path = target.startsWith('/') ? target : '/';
  // Appended to an origin, not resolved against one: resolving would read `//x/...` as host x.
  return `${originOf(req.headers.host) ?? originOf(fallbackHost) ?? 'http://localhost'}${path}`;
}

const ABSOLUTE_FORM = /^https?:\/\//i;

function parseHttpUrl(target: string): URL | undefined {
  try {
    const url = new URL(target);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether something read the body before us: its stream has ended although it declares a body.
 * Express's `express.json()` reads the stream to its end and sets `req.body`; a parser that did
 * not match the content type sets `req.body` but leaves the stream alone, which is still readable.
 */
function alreadyRead(req: IncomingMessage): boolean {
  if (!req.readableEnded) return false;
  const declared = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  return chunked || (declared !== undefined && declared !== '0');
}

// A body whose reading fails with the cause, so the handler's logger reports it (it has the logger).
function bodyAlreadyRead(req: IncomingMessage): ReadableStream<Uint8Array> {
  const parsed = (req as IncomingMessage & { body?: unknown }).body !== undefined;
  const error = new BodyAlreadyReadError(
    `The request body was already read before Cloud Connect's toNodeListener got the request ` +
      `(the stream had ended${parsed ? ' and req.body was set' : ''}): a body parser such as ` +
      `express.json() runs before it. Mount toNodeListener(handler) before any body parser ` +
      `(app.use('/api/cloud-connect', toNodeListener(handler)) above app.use(express.json())), ` +
      `or exclude its path from the parser.`,
  );
  return new ReadableStream({
    start(controller) {
      controller.error(error);
    },
  });
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

type BodyRead = Uint8Array<ArrayBuffer> | 'too-large' | 'timed-out' | 'failed';

function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<BodyRead> {
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
    const timer = setTimeout(() => {
      // Stop reading: the answer closes the connection, and with it whatever is still coming.
      req.pause();
      finish('timed-out');
    }, timeoutMs);
    const finish = (result: BodyRead) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
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
