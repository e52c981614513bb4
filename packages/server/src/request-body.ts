import { errorResponse } from './wire-errors';
import { type WireMessageOverrides, wireMessage } from './wire-messages';

/** The largest request body the handler reads, unless configured otherwise: 16 KiB. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

/** A JSON object from the body (`{}` for an empty body), or the error answer to send. */
export type BodyResult =
  | { ok: true; value: Readonly<Record<string, unknown>> }
  | { ok: false; response: Response };

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/**
 * Reads a request body as a JSON object, never more than `limit` bytes of it: the stream is
 * cancelled as soon as it goes over, so an endless body costs nothing. An empty body is `{}`.
 * Never throws.
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

  let bytes: Uint8Array;
  try {
    const read = await readCapped(request.body, limit);
    if (read === 'too-large') return tooLarge();
    bytes = read;
  } catch {
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

async function readCapped(
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
