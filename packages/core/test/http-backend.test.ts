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
    const backend = createHttpBackend({ baseUrl: '/api', fetch });
    await expect(backend.checkConnection({ sessionId: 'a/b c' })).resolves.toEqual(check);
    expect(sent[0]).toMatchObject({
      url: '/api/sessions/a%2Fb%20c/check',
      method: 'POST',
      body: {},
    });
  });

  it('lists blockers with GET /blockers?accountId=', async () => {
    const blockers = [{ id: 'c1', kind: 'cluster', name: 'prod', href: '/clusters/c1' }];
    const { fetch, sent } = fakeFetch(() => json(200, { blockers }));
    const backend = createHttpBackend({ baseUrl: '/api', fetch });
    await expect(backend.listBlockers({ accountId: '012345678901' })).resolves.toEqual(blockers);
    expect(sent[0]).toMatchObject({ url: '/api/blockers?accountId=012345678901', method: 'GET' });
    expect(sent[0]?.body).toBeUndefined();
  });

  it('checks revocation with POST /revocation/check {accountId}', async () => {
    const { fetch, sent } = fakeFetch(() => json(200, { check: { status: 'revoked' } }));
    const backend = createHttpBackend({ baseUrl: '/api', fetch });
    await expect(backend.checkRevocation({ accountId: '123456789012' })).resolves.toEqual({
      status: 'revoked',
    });
    expect(sent[0]).toMatchObject({
      url: '/api/revocation/check',
      body: { accountId: '123456789012' },
    });
  });

  it('reads GET /connection, null when there is none', async () => {
    const connection = { accountId: '1', roleArn: 'arn', verifiedAt: 'now', sessionId: 's' };
    const answers = [{ connection }, { connection: null }];
    const { fetch } = fakeFetch(() => json(200, answers.shift()));
    const backend = createHttpBackend({ baseUrl: '/api', fetch }) as Required<ConnectBackend>;
    await expect(backend.getConnection()).resolves.toEqual(connection);
    await expect(backend.getConnection()).resolves.toBeNull();
  });

  it('sends headers, and asks a header function afresh for every request', async () => {
    let token = 0;
    const { fetch, sent } = fakeFetch(() => json(200, { check: { status: 'revoked' } }));
    const backend = createHttpBackend({
      baseUrl: '/api',
      fetch,
      headers: async () => ({ authorization: `Bearer ${++token}` }),
    });
    await backend.checkRevocation({ accountId: '1' });
    await backend.checkRevocation({ accountId: '1' });
    expect(sent.map((s) => s.headers.authorization)).toEqual(['Bearer 1', 'Bearer 2']);
    const fixed = createHttpBackend({ baseUrl: '/api', fetch, headers: { 'x-tenant': 't1' } });
    await fixed.checkRevocation({ accountId: '1' });
    expect(sent[2]?.headers['x-tenant']).toBe('t1');
  });

  it('passes the abort signal to fetch and lets an abort through as it is', async () => {
    const controller = new AbortController();
    const { fetch, sent } = fakeFetch(({ signal }) => {
      controller.abort();
      throw signal?.reason;
    });
    const backend = createHttpBackend({ baseUrl: '/api', fetch });
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
          createHttpBackend({ baseUrl: '', fetch }).createSession({ accountId: session.accountId }),
        );
        expect(error.code, `${key}: ${url}`).toBe('NETWORK');
      }
    }
  });

  it("accepts blockers linking to the host's own pages or to https, and refuses other schemes", async () => {
    const blockers = (href: string) =>
      createHttpBackend({
        baseUrl: '',
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
      createHttpBackend({ baseUrl: '', fetch }).createSession({ accountId: '1' }),
    );
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401, retryable: false });
  });

  it('429 is RATE_LIMITED with Retry-After in ms', async () => {
    const { fetch } = fakeFetch(() =>
      json(429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '7' }),
    );
    const error = await failure(
      createHttpBackend({ baseUrl: '', fetch }).checkConnection({ sessionId: 's' }),
    );
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 7000, retryable: true });
  });

  it('reads Retry-After as seconds or an HTTP date, and ignores nonsense', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('999999', now)).toBeUndefined();
  });

  it('keeps the codes it knows (400 INVALID_ACCOUNT_ID) and maps the others to NETWORK', async () => {
    const cases: [number, string, string][] = [
      [400, 'INVALID_ACCOUNT_ID', 'INVALID_ACCOUNT_ID'],
      [400, 'BAD_REQUEST', 'NETWORK'],
      [404, 'NOT_FOUND', 'NETWORK'],
      [405, 'METHOD_NOT_ALLOWED', 'NETWORK'],
      [413, 'PAYLOAD_TOO_LARGE', 'NETWORK'],
      [415, 'UNSUPPORTED_MEDIA_TYPE', 'NETWORK'],
      [502, 'UPSTREAM', 'NETWORK'],
      [500, 'SOMETHING_NEW', 'NETWORK'],
    ];
    for (const [status, wire, code] of cases) {
      const { fetch } = fakeFetch(() => json(status, { error: { code: wire, message: 'm' } }));
      const error = await failure(
        createHttpBackend({ baseUrl: '', fetch }).createSession({ accountId: '1' }),
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
      createHttpBackend({ baseUrl: '', fetch }).createSession({ accountId: '1' }),
    );
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/^[A-Z].{15,}/);
  });

  it('a throwing fetch is NETWORK, with the cause kept', async () => {
    const cause = new TypeError('Failed to fetch');
    const backend = createHttpBackend({
      baseUrl: '',
      fetch: () => Promise.reject(cause),
    });
    const error = await failure(backend.checkConnection({ sessionId: 's' }));
    expect(error).toMatchObject({ code: 'NETWORK', retryable: true, cause });
  });

  it('a throwing headers function is NETWORK too', async () => {
    const backend = createHttpBackend({
      baseUrl: '',
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
      baseUrl: '',
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
        const backend = createHttpBackend({ baseUrl: '', fetch });
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
