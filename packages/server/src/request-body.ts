import { errorResponse } from './wire-errors';
import { type WireMessageOverrides, wireMessage } from './wire-messages';

/** The largest request body the handler reads, unless configured otherwise: 16 KiB. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

/**
 * The body was consumed before the handler got the request: a body parser (Express's
 * `express.json()`) or a middleware that called `request.json()` ran first. Nothing is left to
 * read, so the handler answers 500 and logs this error's message, which says how to fix it.
 */
export class BodyAlreadyReadError extends Error {
  override readonly name = 'BodyAlreadyReadError';
}

/** The log line for a body a Fetch-API middleware read first. */
const FETCH_BODY_ALREADY_READ =
  'The request body was already read before the Cloud Connect handler got the request ' +
  '(a middleware called request.json(), text() or formData()). Give the handler the request ' +
  'unread: route Cloud Connect paths before that middleware, or pass it request.clone().';

/** A JSON object from the body (`{}` for an empty body), or the error answer to send. */
export type BodyResult =
  | { ok: true; value: Readonly<Record<string, unknown>> }
  | { ok: false; response: Response };

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/**
 * Reads a request body as a JSON object, never more than `limit` bytes of it: the stream is
 * cancelled as soon as it goes over, so an endless body costs nothing. An empty body is `{}`.
 * Throws only {@link BodyAlreadyReadError}: that is the host's wiring, not the client's input.
 */
export async function readJsonObject(
  request: Request,
  limit: number,
  messages?: WireMessageOverrides,
): Promise<BodyResult> {
  const tooLarge = (): BodyResult => ({
    ok: false,
    response: errorResponse(
      'PAYLOAD_TOO_LARGE',
      wireMessage('payloadTooLarge', { limit }, messages),
    ),
  });
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) return tooLarge();

  if (request.bodyUsed) throw new BodyAlreadyReadError(FETCH_BODY_ALREADY_READ);
  let bytes: Uint8Array;
  try {
    const read = await readCapped(request.body, limit);
    if (read === 'too-large') return tooLarge();
    bytes = read;
  } catch (error) {
    if (error instanceof BodyAlreadyReadError) throw error;
    // The client went away or sent a broken stream: answer as to malformed input.
    return badRequest('invalidJson', messages);
  }
  if (bytes.length === 0) return { ok: true, value: {} };

  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    return {
      ok: false,
      response: errorResponse(
        'UNSUPPORTED_MEDIA_TYPE',
        wireMessage('unsupportedMediaType', undefined, messages),
      ),
    };
  }

  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return badRequest('invalidJson', messages);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return badRequest('invalidBody', messages);
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * A body's bytes, never more than `limit` of them: past it the stream is cancelled and the
 * answer is `'too-large'`. No body is an empty array.
 */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array | 'too-large'> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return 'too-large';
    }
    chunks.push(value);
  }
  return concatBytes(chunks, total);
}

/** The chunks of a body as one array, copied once (`total` is the sum of their lengths). */
export function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function badRequest(
  id: 'invalidJson' | 'invalidBody',
  messages: WireMessageOverrides | undefined,
): BodyResult {
  return {
    ok: false,
    response: errorResponse('BAD_REQUEST', wireMessage(id, undefined, messages)),
  };
}
