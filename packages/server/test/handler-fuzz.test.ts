import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WIRE_ERROR_STATUS } from '../src/wire-errors';
import { BASE, harness } from './support/handler-harness';

const ROUTES = [
  '/sessions',
  '/sessions/0f0f0f0f-0000-4000-8000-000000000000/check',
  '/blockers',
  '/revocation/check',
  '/connection',
];

const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
const contentType = fc.option(
  fc.oneof(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/merge-patch+json',
      'text/plain',
      'multipart/form-data; boundary=x',
      '',
      ';;;',
    ),
    fc.string(),
  ),
  { nil: undefined },
);
const body = fc.option(
  fc.oneof(
    fc.json(),
    fc.string(),
    fc.jsonValue().map((value) => JSON.stringify({ accountId: value })),
    fc.stringMatching(/^[0-9 -]{0,20}$/).map((id) => JSON.stringify({ accountId: id })),
    fc.uint8Array({ maxLength: 300 }),
  ),
  { nil: undefined },
);
const path = fc.oneof(
  fc.constantFrom(...ROUTES),
  fc
    .constantFrom(...ROUTES)
    .chain((route) => fc.string().map((suffix) => `${route}${encodeURI(suffix)}`)),
  fc.webPath(),
  fc
    .array(fc.constantFrom('sessions', 'check', '..', '%2F', '%', 'connection', ''), {
      maxLength: 5,
    })
    .map((parts) => `/${parts.join('/')}`),
);

function safeHeaderValue(value: string): string | undefined {
  try {
    new Headers({ 'content-type': value });
    return value;
  } catch {
    return undefined;
  }
}

describe('the handler under fuzzed requests', () => {
  it('answers every request with a 2xx or a 4xx carrying { error: { code, message } }, never a 5xx', async () => {
    const h = harness({ config: { rateLimit: { requestsPerMinute: 1e9, burst: 1e9 } } });
    await fc.assert(
      fc.asyncProperty(
        method,
        path,
        contentType,
        body,
        fc.boolean(),
        async (m, p, type, payload, signedIn) => {
          const headers = new Headers();
          if (signedIn) headers.set('authorization', 'Bearer tenant-fuzz');
          const value = type === undefined ? undefined : safeHeaderValue(type);
          if (value !== undefined) headers.set('content-type', value);
          let url: string;
          try {
            url = new URL(`${BASE}${p}`).toString();
          } catch {
            return;
          }
          const hasBody = payload !== undefined && m !== 'GET' && m !== 'HEAD';
          const response = await h.handler(
            new Request(url, {
              method: m,
              headers,
              ...(hasBody ? { body: payload as BodyInit } : {}),
            }),
          );
          expect(response.status).toBeLessThan(500);
          const json = (await response.json()) as { error?: { code: string; message: string } };
          if (response.status >= 400) {
            expect(json.error?.message).toEqual(expect.any(String));
            expect(WIRE_ERROR_STATUS[json.error?.code as keyof typeof WIRE_ERROR_STATUS]).toBe(
              response.status,
            );
          } else {
            expect(json.error).toBeUndefined();
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never answers 5xx for any header value the Fetch API lets through', async () => {
    const h = harness({ config: { rateLimit: { requestsPerMinute: 1e9, burst: 1e9 } } });
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(
            'content-type',
            'content-length',
            'authorization',
            'x-forwarded-for',
            'accept',
          ),
          fc.string(),
        ),
        async (extra) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(extra)) {
            try {
              headers.set(name, value);
            } catch {
              // Not a header value the Fetch API allows: no request could carry it.
            }
          }
          const response = await h.handler(
            new Request(`${BASE}/sessions`, {
              method: 'POST',
              headers,
              body: '{"accountId":"012345678901"}',
            }),
          );
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
  });
});
