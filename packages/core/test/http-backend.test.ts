import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { ConnectBackend } from '../src/backend';
import { CloudConnectError, ERROR_CODES } from '../src/errors';
import {
  createHttpBackend,
  HttpBackendError,
  isConnectionCheck,
  isConnectSession,
  parseRetryAfter,
} from '../src/http-backend';
import { sessionFor } from './machine/fake-backend';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal | undefined;
}

function fakeFetch(answer: (sent: Sent) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const request: Sent = {
      url: String(url),
      method: init?.method ?? 'GET',
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      signal: init?.signal ?? undefined,
    };
    sent.push(request);
    return answer(request);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, sent };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const session = sessionFor();
// Node has no page to resolve a relative baseUrl against: tests use an absolute one.
const BASE = 'https://app.example';

async function failure(promise: Promise<unknown>): Promise<HttpBackendError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CloudConnectError);
    return error as HttpBackendError;
  }
  throw new Error('expected a failure');
}

describe('createHttpBackend: the wire protocol', () => {
  it('creates a session with POST /sessions {accountId} and reads 201 {session}', async () => {
    const { fetch, sent } = fakeFetch(() => json(201, { session }));
    const backend = createHttpBackend({ baseUrl: 'https://app.example/api/cc/', fetch });
    await expect(backend.createSession({ accountId: '123456789012' })).resolves.toEqual(session);
    expect(sent[0]).toMatchObject({
      url: 'https://app.example/api/cc/sessions',
      method: 'POST',
      body: { accountId: '123456789012' },
    });
    expect(sent[0]?.headers['content-type']).toBe('application/json');
  });

  it('checks with POST /sessions/:id/check, the id encoded, and reads 200 {check}', async () => {
    const check = { status: 'pending', reason: 'not-assumable', stackStatus: 'CREATE_IN_PROGRESS' };
    const { fetch, sent } = fakeFetch(() => json(200, { check }));
    const backend = createHttpBackend({ baseUrl: `${BASE}/api`, fetch });
    await expect(backend.checkConnection({ sessionId: 'a/b c' })).resolves.toEqual(check);
    expect(sent[0]).toMatchObject({
      url: 'https://app.example/api/sessions/a%2Fb%20c/check',
      method: 'POST',
      body: {},
    });
  });

  it('reads a pending check whose reason is creating (a server with stack events)', async () => {
    const check = { status: 'pending', reason: 'creating' };
    const { fetch } = fakeFetch(() => json(200, { check }));
    const backend = createHttpBackend({ baseUrl: `${BASE}/api`, fetch });
    await expect(backend.checkConnection({ sessionId: 's' })).resolves.toEqual(check);
  });

  it('lists blockers with GET /blockers?accountId=', async () => {
    const blockers = [{ id: 'c1', kind: 'cluster', name: 'prod', href: '/clusters/c1' }];
    const { fetch, sent } = fakeFetch(() => json(200, { blockers }));
    const backend = createHttpBackend({ baseUrl: `${BASE}/api`, fetch });
    await expect(backend.listBlockers({ accountId: '012345678901' })).resolves.toEqual(blockers);
    expect(sent[0]).toMatchObject({
      url: 'https://app.example/api/blockers?accountId=012345678901',
      method: 'GET',
    });
    expect(sent[0]?.body).toBeUndefined();
  });

  it('checks revocation with POST /revocation/check {accountId}', async () => {
    const { fetch, sent } = fakeFetch(() => json(200, { check: { status: 'revoked' } }));
    const backend = createHttpBackend({ baseUrl: `${BASE}/api`, fetch });
    await expect(backend.checkRevocation({ accountId: '123456789012' })).resolves.toEqual({
      status: 'revoked',
    });
    expect(sent[0]).toMatchObject({
      url: 'https://app.example/api/revocation/check',
      body: { accountId: '123456789012' },
    });
  });

  it('reads GET /connection, null when there is none', async () => {
    const connection = { accountId: '1', roleArn: 'arn', verifiedAt: 'now', sessionId: 's' };
    const answers = [{ connection }, { connection: null }];
    const { fetch } = fakeFetch(() => json(200, answers.shift()));
    const backend = createHttpBackend({
      baseUrl: `${BASE}/api`,
      fetch,
    }) as Required<ConnectBackend>;
    await expect(backend.getConnection()).resolves.toEqual(connection);
    await expect(backend.getConnection()).resolves.toBeNull();
  });

  it('sends headers, and asks a header function afresh for every request', async () => {
    let token = 0;
    const { fetch, sent } = fakeFetch(() => json(200, { check: { status: 'revoked' } }));
    const backend = createHttpBackend({
      baseUrl: `${BASE}/api`,
      fetch,
      headers: async () => ({ authorization: `Bearer ${++token}` }),
    });
    await backend.checkRevocation({ accountId: '1' });
    await backend.checkRevocation({ accountId: '1' });
    expect(sent.map((s) => s.headers.authorization)).toEqual(['Bearer 1', 'Bearer 2']);
    const fixed = createHttpBackend({
      baseUrl: `${BASE}/api`,
      fetch,
      headers: { 'x-tenant': 't1' },
    });
    await fixed.checkRevocation({ accountId: '1' });
    expect(sent[2]?.headers['x-tenant']).toBe('t1');
  });

  it('passes the abort signal to fetch and lets an abort through as it is', async () => {
    const controller = new AbortController();
    const { fetch, sent } = fakeFetch(({ signal }) => {
      controller.abort();
      throw signal?.reason;
    });
    const backend = createHttpBackend({ baseUrl: `${BASE}/api`, fetch });
    const result = backend.createSession({ accountId: '1' }, { signal: controller.signal });
    await expect(result).rejects.toBe(controller.signal.reason);
    expect(sent[0]?.signal).toBe(controller.signal);
  });
});

describe('createHttpBackend: errors', () => {
  it('refuses a session whose links are not http(s), so a page never renders a javascript: href', async () => {
    const hostile = [
      'javascript:alert(1)',
      ' java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'not a url',
    ];
    for (const url of hostile) {
      for (const key of ['quickCreateUrl', 'stacksConsoleUrl', 'templateUrl'] as const) {
        const { fetch } = fakeFetch(() => json(201, { session: { ...session, [key]: url } }));
        const error = await failure(
          createHttpBackend({ baseUrl: BASE, fetch }).createSession({
            accountId: session.accountId,
          }),
        );
        expect(error.code, `${key}: ${url}`).toBe('NETWORK');
      }
    }
  });

  it("accepts blockers linking to the host's own pages or to https, and refuses other schemes", async () => {
    const blockers = (href: string) =>
      createHttpBackend({
        baseUrl: BASE,
        fetch: fakeFetch(() =>
          json(200, { blockers: [{ id: 'c1', kind: 'cluster', name: 'prod', href }] }),
        ).fetch,
      }).listBlockers({ accountId: session.accountId });
    await expect(blockers('/clusters/c1')).resolves.toHaveLength(1);
    await expect(blockers('https://dashboard.example.com/clusters/c1')).resolves.toHaveLength(1);
    expect((await failure(blockers('javascript:alert(1)'))).code).toBe('NETWORK');
  });

  it('401 is UNAUTHORIZED, whatever the body', async () => {
    const { fetch } = fakeFetch(() => new Response('<h1>Sign in</h1>', { status: 401 }));
    const error = await failure(
      createHttpBackend({ baseUrl: BASE, fetch }).createSession({ accountId: '1' }),
    );
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401, retryable: false });
  });

  it('429 is RATE_LIMITED with Retry-After in ms', async () => {
    const { fetch } = fakeFetch(() =>
      json(429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '7' }),
    );
    const error = await failure(
      createHttpBackend({ baseUrl: BASE, fetch }).checkConnection({ sessionId: 's' }),
    );
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 7000, retryable: true });
  });

  it('reads Retry-After as seconds or an HTTP date, capped at an hour, and ignores nonsense', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('999999', now)).toBe(3_600_000);
    expect(parseRetryAfter('9'.repeat(400), now)).toBeUndefined(); // Infinity
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBeUndefined(); // past
  });

  it('keeps the codes it knows (400 INVALID_ACCOUNT_ID), 404/405/415 are MISCONFIGURED, the others NETWORK', async () => {
    const cases: [number, string, string][] = [
      [400, 'INVALID_ACCOUNT_ID', 'INVALID_ACCOUNT_ID'],
      [400, 'BAD_REQUEST', 'NETWORK'],
      [404, 'NOT_FOUND', 'MISCONFIGURED'],
      [405, 'METHOD_NOT_ALLOWED', 'MISCONFIGURED'],
      [413, 'PAYLOAD_TOO_LARGE', 'NETWORK'],
      [415, 'UNSUPPORTED_MEDIA_TYPE', 'MISCONFIGURED'],
      [502, 'UPSTREAM', 'NETWORK'],
      [500, 'SOMETHING_NEW', 'NETWORK'],
    ];
    for (const [status, wire, code] of cases) {
      const { fetch } = fakeFetch(() => json(status, { error: { code: wire, message: 'm' } }));
      const error = await failure(
        createHttpBackend({ baseUrl: BASE, fetch }).createSession({ accountId: '1' }),
      );
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(error.message.length).toBeGreaterThan(10);
    }
  });

  it.each([
    ['an HTML error page', () => new Response('<html>502 Bad Gateway</html>', { status: 502 })],
    ['an HTML page with 200', () => new Response('<html>login</html>', { status: 200 })],
    ['truncated JSON', () => new Response('{"session": {"sessionId": "s', { status: 201 })],
    ['an empty body', () => new Response('', { status: 201 })],
    ['a wrong shape', () => json(201, { session: { sessionId: 42 } })],
    ['a bare session', () => json(201, session)],
    ['JSON null', () => json(201, null)],
  ])('%s is NETWORK with a readable message, never an exception', async (_, answer) => {
    const { fetch } = fakeFetch(answer);
    const error = await failure(
      createHttpBackend({ baseUrl: BASE, fetch }).createSession({ accountId: '1' }),
    );
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/^[A-Z].{15,}/);
  });

  it('a throwing fetch (unreachable) is NETWORK, with the cause kept and the URL in detail', async () => {
    const cause = new TypeError('Failed to fetch');
    const backend = createHttpBackend({
      baseUrl: BASE,
      fetch: () => Promise.reject(cause),
    });
    const error = await failure(backend.checkConnection({ sessionId: 's' }));
    expect(error).toMatchObject({ code: 'NETWORK', retryable: true, cause });
    expect(error.detail).toEqual({
      url: `${BASE}/sessions/s/check`,
      cause: 'TypeError: Failed to fetch',
    });
    expect(error.toJSON().detail).toEqual(error.detail);
  });

  it('a throwing headers function is NETWORK too', async () => {
    const backend = createHttpBackend({
      baseUrl: BASE,
      fetch: fakeFetch(() => json(200, {})).fetch,
      headers: () => {
        throw new Error('no token');
      },
    });
    expect((await failure(backend.listBlockers({ accountId: '1' }))).code).toBe('NETWORK');
  });

  it('uses messages overrides for its errors', async () => {
    const { fetch } = fakeFetch(() => new Response('nope', { status: 401 }));
    const backend = createHttpBackend({
      baseUrl: BASE,
      fetch,
      messages: { 'error.UNAUTHORIZED': 'Bitte neu anmelden.' },
    });
    expect((await failure(backend.createSession({ accountId: '1' }))).message).toBe(
      'Bitte neu anmelden.',
    );
  });
});

describe('createHttpBackend: whatever a server sends', () => {
  const body = fc.oneof(
    fc.string(),
    fc.json(),
    fc.jsonValue().map((v) => JSON.stringify({ check: v })),
    fc.jsonValue().map((v) => JSON.stringify({ session: v })),
    fc.jsonValue().map((v) => JSON.stringify({ error: v })),
    fc.constantFrom(
      JSON.stringify({ check: { status: 'pending', reason: 'throttled', retryAfterMs: 5 } }),
      JSON.stringify({ check: { status: 'connected', roleArn: 'a', verifiedAt: 'b' } }),
      JSON.stringify({ check: { status: 'failed', code: 'STACK_FAILED', message: 'm' } }),
      JSON.stringify({ session: sessionFor() }),
    ),
  );
  const status = fc.oneof(
    fc.constantFrom(200, 201, 204, 400, 401, 404, 429, 500, 502),
    fc.integer({ min: 200, max: 599 }),
  );

  it('either answers a valid shape or fails with a CloudConnectError code, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(status, body, fc.string(), async (code, text, retryAfter) => {
        const fetch = async () =>
          new Response(code === 204 ? null : text, {
            status: code,
            headers: { 'retry-after': retryAfter },
          });
        const backend = createHttpBackend({ baseUrl: BASE, fetch });
        for (const call of [
          () =>
            backend
              .checkConnection({ sessionId: 's' })
              .then((v) => expect(isConnectionCheck(v)).toBe(true)),
          () =>
            backend
              .createSession({ accountId: '1' })
              .then((v) => expect(isConnectSession(v)).toBe(true)),
        ]) {
          try {
            await call();
            expect(code).toBeGreaterThanOrEqual(200);
            expect(code).toBeLessThan(300);
          } catch (error) {
            expect(error).toBeInstanceOf(HttpBackendError);
            expect(ERROR_CODES).toContain((error as HttpBackendError).code);
            expect((error as Error).message.length).toBeGreaterThan(10);
          }
        }
      }),
    );
  });
});

describe('createHttpBackend: a wrong integration', () => {
  const notFound = { error: { code: 'NOT_FOUND', message: 'No Cloud Connect route here.' } };

  it('a 404 from the handler (baseUrl does not match basePath) is MISCONFIGURED, naming URL, status and fix', async () => {
    const { fetch } = fakeFetch(() => json(404, notFound));
    const backend = createHttpBackend({ baseUrl: `${BASE}/api/cc`, fetch });
    const error = await failure(backend.createSession({ accountId: session.accountId }));
    expect(error).toMatchObject({ code: 'MISCONFIGURED', retryable: false, status: 404 });
    expect(error.detail).toMatchObject({
      status: 404,
      url: `${BASE}/api/cc/sessions`,
      cause: 'NOT_FOUND: No Cloud Connect route here.',
    });
    expect(error.detail?.hint).toContain(`baseUrl (${BASE}/api/cc) matches the server's basePath`);
    expect(error.message).not.toContain(BASE); // the user's message names no internals
  });

  it.each([
    [405, 'METHOD_NOT_ALLOWED'],
    [415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('%i %s (a proxy in between changed the request) is MISCONFIGURED', async (status, wire) => {
    const { fetch } = fakeFetch(() => json(status, { error: { code: wire, message: 'm' } }));
    const backend = createHttpBackend({ baseUrl: BASE, fetch });
    const error = await failure(backend.checkRevocation({ accountId: session.accountId }));
    expect(error.code).toBe('MISCONFIGURED');
    expect(error.detail?.hint).toContain(`POST ${BASE}/revocation/check answered ${status}`);
  });

  it('a 403 from a layer in front of the handler (CSRF, auth) is MISCONFIGURED, naming it, not NETWORK', async () => {
    const { fetch } = fakeFetch(() => new Response('Forbidden: bad CSRF token', { status: 403 }));
    const error = await failure(
      createHttpBackend({ baseUrl: BASE, fetch }).createSession({ accountId: session.accountId }),
    );
    expect(error).toMatchObject({ code: 'MISCONFIGURED', retryable: false, status: 403 });
    expect(error.detail?.hint).toContain(
      `POST ${BASE}/sessions answered 403, not from Cloud Connect`,
    );
    expect(error.detail?.hint).toContain('CSRF');
  });

  it('a 404 page that did not come from Cloud Connect is MISCONFIGURED too, and says so', async () => {
    const { fetch } = fakeFetch(() => new Response('<h1>Not found</h1>', { status: 404 }));
    const backend = createHttpBackend({ baseUrl: BASE, fetch });
    for (const call of [
      () => backend.listBlockers({ accountId: session.accountId }),
      () => backend.checkConnection({ sessionId: 's' }),
    ]) {
      const error = await failure(call());
      expect(error.code).toBe('MISCONFIGURED');
      expect(error.detail?.hint).toContain('not from Cloud Connect');
    }
  });

  it('a 404 NOT_FOUND on the check route is SESSION_NOT_FOUND: the server forgot the session', async () => {
    const { fetch } = fakeFetch(() =>
      json(404, { error: { code: 'NOT_FOUND', message: 'No such session.' } }),
    );
    const backend = createHttpBackend({ baseUrl: BASE, fetch });
    const error = await failure(backend.checkConnection({ sessionId: 'gone' }));
    expect(error).toMatchObject({ code: 'SESSION_NOT_FOUND', retryable: false, status: 404 });
    expect(error.detail).toMatchObject({ url: `${BASE}/sessions/gone/check`, status: 404 });
    // The revocation check names a connection the same way.
    const revocation = await failure(backend.checkRevocation({ accountId: session.accountId }));
    expect(revocation.code).toBe('SESSION_NOT_FOUND');
  });

  it('a relative baseUrl with no page to resolve it against fails each request MISCONFIGURED, naming the option', async () => {
    expect(globalThis).not.toHaveProperty('location');
    for (const baseUrl of ['/api/cloud-connect', 'api', '']) {
      const { fetch, sent } = fakeFetch(() => json(201, { session }));
      // Created where there is no page (server rendering): no throw yet.
      const backend = createHttpBackend({ baseUrl, fetch });
      const error = await failure(backend.createSession({ accountId: '1' }));
      expect(error).toMatchObject({ code: 'MISCONFIGURED', retryable: false });
      expect(error.detail?.hint).toMatch(
        /^createHttpBackend: baseUrl ".*" is relative .*absolute URL\.$/,
      );
      expect(sent).toHaveLength(0);
    }
  });

  it('a baseUrl that is not an http(s) URL throws at creation, naming the option', () => {
    for (const baseUrl of ['javascript:alert(1)', 'ftp://x/', 42 as unknown as string]) {
      expect(() => createHttpBackend({ baseUrl })).toThrow(
        expect.objectContaining({
          code: 'MISCONFIGURED',
          message: expect.stringMatching(/^createHttpBackend: baseUrl .* is not an http\(s\) URL/),
        }),
      );
    }
  });

  it('a backend created before the page exists (server rendering) works once it does', async () => {
    const { fetch, sent } = fakeFetch(() => json(201, { session }));
    const backend = createHttpBackend({ baseUrl: '/api/cc', fetch });
    vi.stubGlobal('location', { href: 'https://app.example/settings/aws' });
    try {
      await backend.createSession({ accountId: '1' });
      expect(sent[0]?.url).toBe('/api/cc/sessions');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('a relative baseUrl resolves against the page where there is one', async () => {
    vi.stubGlobal('location', { href: 'https://app.example/settings/aws' });
    try {
      const { fetch, sent } = fakeFetch(() => json(201, { session }));
      await createHttpBackend({ baseUrl: '/api/cc', fetch }).createSession({ accountId: '1' });
      expect(sent[0]?.url).toBe('/api/cc/sessions');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('createHttpBackend: limits on what a server sends', () => {
  // A body streamed in 64 KiB chunks, counting how many the client pulled.
  function streamed(totalBytes: number, headers: Record<string, string> = {}) {
    const chunk = new Uint8Array(65_536).fill(0x20);
    let pulled = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled * chunk.byteLength >= totalBytes) return controller.close();
        pulled += 1;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    return {
      response: new Response(stream, { status: 200, headers }),
      pulled: () => pulled,
      cancelled: () => cancelled,
    };
  }

  it('stops reading a body past maxResponseBytes, cancels the download and fails with detail', async () => {
    const body = streamed(64 * 1_048_576); // 64 MiB, never downloaded whole
    const backend = createHttpBackend({ baseUrl: BASE, fetch: async () => body.response });
    const error = await failure(backend.checkConnection({ sessionId: 's' }));
    expect(error.code).toBe('NETWORK');
    expect(error.detail).toMatchObject({ status: 200, cause: 'HTTP 200, over 1048576 bytes' });
    expect(body.cancelled()).toBe(true);
    expect(body.pulled()).toBeLessThanOrEqual(18); // 1 MiB and a chunk, plus the stream's read-ahead
  });

  it('honours a smaller maxResponseBytes, and a Content-Length over it is not read at all', async () => {
    const body = streamed(200_000, { 'content-length': '200000' });
    const backend = createHttpBackend({
      baseUrl: BASE,
      fetch: async () => body.response,
      maxResponseBytes: 100_000,
    });
    const error = await failure(backend.createSession({ accountId: '1' }));
    expect(error.detail?.cause).toBe('HTTP 200, over 100000 bytes');
    expect(body.cancelled()).toBe(true);
    expect(body.pulled()).toBeLessThanOrEqual(1);
  });

  it('reads any body up to the limit, however it is chunked, and refuses one byte more', async () => {
    const payload = new TextEncoder().encode(JSON.stringify({ session }));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }), // trailing whitespace: JSON still parses
        fc.integer({ min: -2, max: 2 }), // the limit, around the body's size
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 }),
        async (padding, slack, sizes) => {
          const bytes = new Uint8Array(payload.byteLength + padding).fill(0x20);
          bytes.set(payload);
          const stream = new ReadableStream<Uint8Array>({
            start(controller) {
              for (let at = 0, i = 0; at < bytes.byteLength; i += 1) {
                const size = sizes[i % sizes.length] ?? 1;
                controller.enqueue(bytes.slice(at, at + size));
                at += size;
              }
              controller.close();
            },
          });
          const backend = createHttpBackend({
            baseUrl: BASE,
            fetch: async () => new Response(stream, { status: 201 }),
            maxResponseBytes: bytes.byteLength + slack,
          });
          const result = backend.createSession({ accountId: '1' });
          if (slack >= 0) await expect(result).resolves.toEqual(session);
          else expect((await failure(result)).detail?.cause).toMatch(/over \d+ bytes$/);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a body within the limit reads as before', async () => {
    const { fetch } = fakeFetch(() => json(201, { session }));
    const backend = createHttpBackend({ baseUrl: BASE, fetch, maxResponseBytes: 4096 });
    await expect(backend.createSession({ accountId: '1' })).resolves.toEqual(session);
  });

  it("caps a check's retryAfterMs at an hour and refuses one that is not a finite wait", async () => {
    const pending = (retryAfterMs: unknown) => ({
      check: { status: 'pending', reason: 'throttled', retryAfterMs },
    });
    const answer = (text: string) =>
      createHttpBackend({
        baseUrl: BASE,
        fetch: async () => new Response(text, { status: 200 }),
      }).checkConnection({ sessionId: 's' });
    await expect(answer(JSON.stringify(pending(3e9)))).resolves.toMatchObject({
      retryAfterMs: 3_600_000,
    });
    await expect(answer(JSON.stringify(pending(1500)))).resolves.toMatchObject({
      retryAfterMs: 1500,
    });
    // 1e400 is valid JSON that parses to Infinity.
    const infinite = '{"check":{"status":"pending","reason":"throttled","retryAfterMs":1e400}}';
    expect((await failure(answer(infinite))).code).toBe('NETWORK');
    expect((await failure(answer(JSON.stringify(pending(-1))))).code).toBe('NETWORK');
  });
});
