import { describe, expect, it } from 'vitest';
import { CloudConnectConfigError } from '../src/config-validation';
import { type Coordination, createInProcessCoordination } from '../src/coordination';
import { deferred, harness } from './support/handler-harness';

describe('createInProcessCoordination', () => {
  it('shares one call among concurrent callers of a key, whatever the result type', async () => {
    const coordination = createInProcessCoordination();
    const answer = deferred<{ status: string }>();
    let calls = 0;
    const call = () => {
      calls += 1;
      return answer.promise;
    };
    const results = Promise.all([
      coordination.singleFlight('a', call),
      coordination.singleFlight('a', call),
    ]);
    answer.resolve({ status: 'pending' });
    expect(await results).toEqual([{ status: 'pending' }, { status: 'pending' }]);
    expect(calls).toBe(1);
    expect(await coordination.singleFlight('b', async () => 7)).toBe(7);
  });

  it('keeps a bucket per key and per budget, on its clock', async () => {
    const clock = { now: 0 };
    const coordination = createInProcessCoordination({ now: () => clock.now });
    const budget = { requestsPerMinute: 60, burst: 2 };
    const take = () => coordination.takeToken('tenant-a', budget);
    expect([await take(), await take()]).toEqual([{ allowed: true }, { allowed: true }]);
    expect(await take()).toEqual({ allowed: false, retryAfterMs: 1000 });
    expect(await coordination.takeToken('tenant-b', budget)).toEqual({ allowed: true });
    clock.now += 1000;
    expect(await take()).toEqual({ allowed: true });
  });
});

describe('the handler with a coordination', () => {
  it('uses the one it is given for checks and the rate limit', async () => {
    const flights: string[] = [];
    const coordination: Coordination = {
      singleFlight(key, call, signal) {
        flights.push(key);
        return call(signal ?? new AbortController().signal);
      },
      takeToken: async (key) =>
        key === 'tenant-limited' ? { allowed: false, retryAfterMs: 2500 } : { allowed: true },
    };
    const h = harness({ coordination });
    const created = await h.json('POST', '/sessions', {
      tenant: 'tenant-a',
      body: { accountId: '012345678901' },
    });
    const { sessionId } = created.body.session as { sessionId: string };
    expect(
      (await h.json('POST', `/sessions/${sessionId}/check`, { tenant: 'tenant-a' })).status,
    ).toBe(200);
    expect(flights).toEqual([`connection\u0000tenant-a\u0000${sessionId}`]);
    const limited = await h.json('GET', '/connection', { tenant: 'tenant-limited' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
  });

  it('refuses at start-up a coordination without its methods', () => {
    expect(() =>
      harness({ coordination: { singleFlight: () => Promise.resolve() } as never }),
    ).toThrow(CloudConnectConfigError);
    expect(() => harness({ coordination: {} as never })).toThrow(/coordination/);
  });
});
