import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import type { ConnectBackend } from '../../src/backend';
import { createHttpBackend } from '../../src/http-backend';
import { createCloudConnectMachine } from '../../src/machine/cloud-connect.machine';
import { createCloudConnect } from '../../src/machine/create-cloud-connect';
import { DEFAULT_TIMING } from '../../src/machine/timing';
import { ACCOUNT_ID, createFakeBackend, PENDING, sessionFor } from './fake-backend';
import { startFlow, T0, tick, toVerifying } from './harness';

beforeEach(() => vi.useFakeTimers({ now: T0 }));
afterEach(() => vi.useRealTimers());

const BASE = 'https://app.example/api/cloud-connect';
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

// The real HTTP backend over a fetch that answers by route, counting the requests.
function httpBackend(answer: (path: string, n: number) => Response) {
  const counts = new Map<string, number>();
  const fetch = async (url: string | URL | Request) => {
    const path = String(url)
      .slice(BASE.length)
      .replace(/\/sessions\/[^/]+\/check$/, '/check');
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    return answer(path, n);
  };
  return {
    backend: createHttpBackend({ baseUrl: BASE, fetch: fetch as typeof globalThis.fetch }),
    count: (path: string) => counts.get(path) ?? 0,
  };
}

function run(backend: ConnectBackend, input?: Parameters<typeof createCloudConnect>[0]['input']) {
  const actor = createCloudConnect({ backend, input, random: () => 0.5 });
  actor.start();
  return actor;
}

async function launch(actor: ReturnType<typeof run>) {
  actor.send({ type: 'ACCOUNT_ID.CHANGE', value: ACCOUNT_ID });
  actor.send({ type: 'ACCOUNT_ID.SUBMIT' });
  await tick();
  actor.send({ type: 'STACK.LAUNCHED' });
  await tick();
}

describe('a session the server no longer knows', () => {
  it('fails at once with SESSION_NOT_FOUND instead of polling as NETWORK; RETRY creates a new session', async () => {
    let sessions = 0;
    const http = httpBackend((path) => {
      if (path === '/sessions') {
        sessions += 1;
        return json(201, { session: { ...sessionFor(), sessionId: `s${sessions}` } });
      }
      return sessions === 1
        ? json(404, { error: { code: 'NOT_FOUND', message: 'No such session.' } })
        : json(200, { check: PENDING });
    });
    const actor = run(http.backend);
    await launch(actor);
    await tick(DEFAULT_TIMING.firstCheckMs);
    expect(actor.getSnapshot().value).toBe('failed');
    expect(http.count('/check')).toBe(1);
    const { error } = actor.getSnapshot().context;
    expect(error).toMatchObject({ code: 'SESSION_NOT_FOUND', retryable: false });
    expect(error?.detail).toMatchObject({ status: 404, url: `${BASE}/sessions/s1/check` });
    // Minutes later it has not asked again.
    await tick(600_000);
    expect(http.count('/check')).toBe(1);

    actor.send({ type: 'RETRY' });
    await tick();
    expect(http.count('/sessions')).toBe(2);
    expect(actor.getSnapshot().value).toEqual({ connecting: 'ready' });
    expect(actor.getSnapshot().context).toMatchObject({
      accountId: ACCOUNT_ID,
      error: null,
      session: { sessionId: 's2' },
    });
  });

  it('EDIT goes back to the field, and submitting creates a new session', async () => {
    const http = httpBackend((path) =>
      path === '/sessions'
        ? json(201, { session: sessionFor() })
        : json(404, { error: { code: 'NOT_FOUND', message: 'No such session.' } }),
    );
    const actor = run(http.backend);
    await launch(actor);
    await tick(DEFAULT_TIMING.firstCheckMs);
    actor.send({ type: 'EDIT' });
    expect(actor.getSnapshot().value).toEqual({ disconnected: 'editing' });
    actor.send({ type: 'ACCOUNT_ID.SUBMIT' });
    await tick();
    expect(http.count('/sessions')).toBe(2);
  });
});

describe('a wrong integration', () => {
  it('creating the session reports MISCONFIGURED (not SESSION_FAILED), with the developer detail in context', async () => {
    const http = httpBackend(() =>
      json(404, { error: { code: 'NOT_FOUND', message: 'No Cloud Connect route.' } }),
    );
    const actor = run(http.backend);
    actor.send({ type: 'ACCOUNT_ID.CHANGE', value: ACCOUNT_ID });
    actor.send({ type: 'ACCOUNT_ID.SUBMIT' });
    await tick();
    const snapshot = actor.getSnapshot();
    expect(snapshot.value).toEqual({ disconnected: 'sessionFailed' });
    expect(snapshot.context.error).toMatchObject({ code: 'MISCONFIGURED', retryable: false });
    expect(snapshot.context.error?.detail?.hint).toContain('basePath');
    // It is plain data: it survives persisting.
    const saved = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    expect(saved.context.error.detail).toEqual(snapshot.context.error?.detail);
  });

  it('MISCONFIGURED while polling stops polling (it needs a fix, not patience)', async () => {
    const http = httpBackend((path) =>
      path === '/sessions'
        ? json(201, { session: sessionFor() })
        : json(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'Use POST.' } }),
    );
    const actor = run(http.backend);
    await launch(actor);
    await tick(DEFAULT_TIMING.firstCheckMs + 60_000);
    expect(actor.getSnapshot().value).toBe('failed');
    expect(actor.getSnapshot().context.error?.code).toBe('MISCONFIGURED');
    expect(http.count('/check')).toBe(1);
  });
});

describe('timers that would overflow', () => {
  it('a retryAfterMs of 3e9 waits an hour, not ~0 ms (a 32-bit timer overflow checks hundreds of times a second)', async () => {
    const flow = startFlow({
      script: { checkConnection: () => ({ ...PENDING, reason: 'throttled', retryAfterMs: 3e9 }) },
      input: { timing: { timeoutMs: 7_200_000 } },
    });
    await toVerifying(flow);
    await tick(DEFAULT_TIMING.firstCheckMs);
    expect(flow.count('checkConnection')).toBe(1);
    await tick(1_000);
    expect(flow.count('checkConnection')).toBe(1);
    await tick(3_600_000 - 1_000 - 1);
    expect(flow.count('checkConnection')).toBe(1);
    await tick(1);
    expect(flow.count('checkConnection')).toBe(2);
  });

  it("a rate-limited session creation's Retry-After of 3e9 is capped at an hour too", async () => {
    const fake = createFakeBackend({
      createSession: (input, n) => {
        if (n === 1)
          throw Object.assign(new Error('slow down'), { code: 'RATE_LIMITED', retryAfterMs: 3e9 });
        return sessionFor(input.accountId);
      },
    });
    const actor = run(fake.backend);
    actor.send({ type: 'ACCOUNT_ID.CHANGE', value: ACCOUNT_ID });
    actor.send({ type: 'ACCOUNT_ID.SUBMIT' });
    await tick(1_000);
    expect(fake.count('createSession')).toBe(1);
    expect(actor.getSnapshot().context.retryAfterMs).toBe(3_600_000);
    await tick(3_600_000);
    expect(fake.count('createSession')).toBe(2);
  });

  it('timeoutMs 3e9 is refused with a RangeError naming the key (it would time out at once)', () => {
    const backend = createFakeBackend().backend;
    expect(() => createCloudConnect({ backend, input: { timing: { timeoutMs: 3e9 } } })).toThrow(
      new RangeError(
        'timing.timeoutMs must be a number of milliseconds from 0 to 2147483647; got 3000000000.',
      ),
    );
  });

  it('the longest valid timeoutMs does not time out at once', async () => {
    const flow = startFlow({ input: { timing: { timeoutMs: 2 ** 31 - 1 } } });
    await toVerifying(flow);
    await tick(60_000);
    expect(flow.snapshot.context.error).toBeNull();
    expect(flow.snapshot.value).toMatchObject({ connecting: { verifying: {} } });
  });

  it.each([
    ['firstCheckMs', -1],
    ['intervalMs', Number.NaN],
    ['maxIntervalMs', Number.POSITIVE_INFINITY],
    ['healthIntervalMs', 2 ** 31],
    ['slowAfterMs', '300000'],
  ])('timing.%s = %s is a RangeError naming the key', (key, value) => {
    const backend = createFakeBackend().backend;
    const input = { timing: { [key]: value } } as never;
    expect(() => createCloudConnect({ backend, input })).toThrow(RangeError);
    expect(() => createCloudConnect({ backend, input })).toThrow(`timing.${key} must be`);
  });

  it('given to the machine directly, bad timing stops the actor with the RangeError', () => {
    const machine = createCloudConnectMachine(createFakeBackend().backend);
    const actor = createActor(machine, { input: { timing: { intervalMs: -5 } } });
    const errors: unknown[] = [];
    actor.subscribe({ error: (error) => errors.push(error) });
    actor.start();
    expect(actor.getSnapshot().status).toBe('error');
    expect(errors[0]).toBeInstanceOf(RangeError);
    expect(String(errors[0])).toContain('timing.intervalMs');
  });
});
