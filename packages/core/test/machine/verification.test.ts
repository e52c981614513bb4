import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionCheck } from '../../src/backend';
import { HttpBackendError } from '../../src/http-backend';
import { CONNECTED, deferred, PENDING } from './fake-backend';
import { startFlow, T0, tick, toReady, toVerifying } from './harness';

beforeEach(() => vi.useFakeTimers({ now: T0 }));
afterEach(() => vi.useRealTimers());

const VERIFYING = { connecting: { verifying: { polling: 'waiting', patience: 'normal' } } };

describe('launching the stack', () => {
  it('STACK.LAUNCHED starts verification and emits stack.launched', async () => {
    const flow = startFlow();
    await toVerifying(flow);
    expect(flow.snapshot.value).toEqual(VERIFYING);
    expect(flow.snapshot.context.launchedAt).toBe(T0);
    expect(flow.emitted.at(-1)).toEqual({
      type: 'stack.launched',
      sessionId: flow.snapshot.context.session?.sessionId,
      popupBlocked: false,
    });
  });

  it('a blocked popup is reported: popup.blocked is emitted and the context says so', async () => {
    const flow = startFlow();
    await toReady(flow);
    flow.send({ type: 'STACK.LAUNCHED', popupBlocked: true });
    expect(flow.emittedTypes().slice(-2)).toEqual(['stack.launched', 'popup.blocked']);
    expect(flow.snapshot.context.popupBlocked).toBe(true);
  });

  it('launching again through the link after a blocked popup clears popupBlocked', async () => {
    const flow = startFlow();
    await toReady(flow);
    flow.send({ type: 'STACK.LAUNCHED', popupBlocked: true });
    flow.send({ type: 'STACK.LAUNCHED' });
    expect(flow.snapshot.context.popupBlocked).toBe(false);
    expect(flow.emittedTypes().filter((t) => t === 'stack.launched')).toHaveLength(2);
    expect(flow.snapshot.context.launchedAt).toBe(T0);
  });

  it('VERIFY.NOW before launching ("I already created it") checks at once', async () => {
    const flow = startFlow({ script: { checkConnection: () => CONNECTED } });
    await toReady(flow);
    flow.send({ type: 'VERIFY.NOW' });
    await tick();
    expect(flow.snapshot.value).toEqual({ connected: 'healthy' });
  });

  it('PAGE.VISIBLE before launching does nothing', async () => {
    const flow = startFlow();
    await toReady(flow);
    flow.send({ type: 'PAGE.VISIBLE' });
    await tick(60_000);
    expect(flow.snapshot.value).toEqual({ connecting: 'ready' });
    expect(flow.count('checkConnection')).toBe(0);
  });
});

describe('the verification schedule', () => {
  it('checks first after firstCheckMs, then every intervalMs, quietly while pending', async () => {
    const flow = startFlow();
    await toVerifying(flow);
    await tick(9_999);
    expect(flow.count('checkConnection')).toBe(0);
    await tick(1);
    expect(flow.count('checkConnection')).toBe(1);
    await tick(5_000);
    expect(flow.count('checkConnection')).toBe(2);
    await tick(5_000);
    expect(flow.count('checkConnection')).toBe(3);
    expect(flow.snapshot.context.error).toBeNull();
    expect(flow.snapshot.context.lastCheck).toEqual(PENDING);
    expect(flow.snapshot.context.attempts).toBe(3);
    expect(flow.snapshot.value).toEqual(VERIFYING);
  });

  it('backs off after backoffAfterMs (x1.5) up to maxIntervalMs', async () => {
    const at: number[] = [];
    const flow = startFlow({
      script: {
        checkConnection: () => {
          at.push(Date.now() - T0);
          return PENDING;
        },
      },
    });
    await toVerifying(flow);
    await tick(600_000);
    const gaps = at.slice(1).map((t, i) => t - (at[i] ?? 0));
    const steady = gaps.filter((_, i) => (at[i] ?? 0) < 120_000);
    expect(new Set(steady)).toEqual(new Set([5_000]));
    const later = gaps.slice(steady.length);
    expect(later.slice(0, 5)).toEqual([5_000, 7_500, 11_250, 16_875, 25_313]);
    expect(later.slice(5).every((gap) => gap === 30_000)).toBe(true);
    expect(at.length).toBeLessThanOrEqual(60);
  });

  it('jitters backoff by at most 20% and never exceeds maxIntervalMs', async () => {
    for (const r of [0, 0.999]) {
      const at: number[] = [];
      const flow = startFlow({
        random: () => r,
        script: {
          checkConnection: () => {
            at.push(Date.now());
            return PENDING;
          },
        },
      });
      await toVerifying(flow);
      await tick(600_000);
      const gaps = at.slice(1).map((t, i) => t - (at[i] ?? 0));
      const last = gaps.at(-1) ?? 0;
      expect(last).toBeLessThanOrEqual(30_000);
      expect(last).toBeGreaterThanOrEqual(30_000 * 0.8 - 1);
      flow.actor.stop();
      vi.setSystemTime(T0);
    }
  });

  it('honours a retryAfterMs hint from a throttled check', async () => {
    const at: number[] = [];
    const flow = startFlow({
      script: {
        checkConnection: (_, n): ConnectionCheck => {
          at.push(Date.now() - T0);
          return n === 1
            ? { status: 'pending', reason: 'throttled', retryAfterMs: 20_000 }
            : PENDING;
        },
      },
    });
    await toVerifying(flow);
    await tick(40_000);
    expect(at.slice(0, 3)).toEqual([10_000, 30_000, 35_000]);
  });

  it('a RATE_LIMITED error waits for its Retry-After and keeps polling without an error', async () => {
    const at: number[] = [];
    const flow = startFlow({
      script: {
        checkConnection: (_, n) => {
          at.push(Date.now() - T0);
          return n === 1
            ? Promise.reject(new HttpBackendError('RATE_LIMITED', 'x', { retryAfterMs: 12_000 }))
            : PENDING;
        },
      },
    });
    await toVerifying(flow);
    await tick(30_000);
    expect(at.slice(0, 2)).toEqual([10_000, 22_000]);
    expect(flow.snapshot.context.error).toBeNull();
  });

  it('network errors while polling are "not yet", never an error', async () => {
    const flow = startFlow({
      script: { checkConnection: () => Promise.reject(new TypeError('Failed to fetch')) },
    });
    await toVerifying(flow);
    await tick(60_000);
    expect(flow.snapshot.value).toEqual(VERIFYING);
    expect(flow.snapshot.context.lastCheck).toEqual({ status: 'pending', reason: 'network' });
    expect(flow.snapshot.context.error).toBeNull();
    expect(flow.count('checkConnection')).toBe(11);
  });
});

describe('PAGE.VISIBLE and VERIFY.NOW', () => {
  it('check at once when no check ran within minGapMs', async () => {
    const flow = startFlow();
    await toVerifying(flow);
    await tick(10_000);
    await tick(3_000);
    // VERIFY.NOW: PAGE.VISIBLE would also shorten the interval (visibility.test.ts).
    flow.send({ type: 'VERIFY.NOW' });
    await tick();
    expect(flow.count('checkConnection')).toBe(2);
    // The schedule restarts from the extra check.
    await tick(4_999);
    expect(flow.count('checkConnection')).toBe(2);
    await tick(1);
    expect(flow.count('checkConnection')).toBe(3);
  });

  it('check at the end of the gap when one ran just before (deferred, not dropped)', async () => {
    const flow = startFlow();
    await toVerifying(flow);
    await tick(10_500);
    expect(flow.count('checkConnection')).toBe(1);
    flow.send({ type: 'VERIFY.NOW' });
    flow.send({ type: 'PAGE.VISIBLE' });
    await tick(1_499);
    expect(flow.count('checkConnection')).toBe(1);
    await tick(1);
    expect(flow.count('checkConnection')).toBe(2);
  });

  it('before the first check, PAGE.VISIBLE checks at once', async () => {
    const flow = startFlow({ script: { checkConnection: () => CONNECTED } });
    await toVerifying(flow);
    await tick(1_000);
    flow.send({ type: 'PAGE.VISIBLE' });
    await tick();
    expect(flow.snapshot.value).toEqual({ connected: 'healthy' });
  });

  it('while a check is in flight, they add nothing', async () => {
    const answer = deferred<ConnectionCheck>();
    const flow = startFlow({ script: { checkConnection: () => answer.promise } });
    await toVerifying(flow);
    await tick(10_000);
    flow.send({ type: 'PAGE.VISIBLE' });
    flow.send({ type: 'VERIFY.NOW' });
    answer.resolve(PENDING);
    await tick();
    expect(flow.count('checkConnection')).toBe(1);
  });
});

describe('slow and timed out', () => {
  it('the slow tag appears after slowAfterMs while polling goes on', async () => {
    const flow = startFlow();
    await toVerifying(flow);
    await tick(299_999);
    expect(flow.snapshot.hasTag('slow')).toBe(false);
    const before = flow.count('checkConnection');
    await tick(1);
    expect(flow.snapshot.hasTag('slow')).toBe(true);
    await tick(60_000);
    expect(flow.count('checkConnection')).toBeGreaterThan(before);
  });

  it('polling stops at timeoutMs with TIMED_OUT (retryable); RETRY resumes with a check at once', async () => {
    const flow = startFlow({
      input: { timing: { timeoutMs: 60_000 } },
      script: { checkConnection: (_, n) => (n < 12 ? PENDING : CONNECTED) },
    });
    await toVerifying(flow);
    await tick(60_000);
    expect(flow.snapshot.value).toEqual({ connecting: 'timedOut' });
    expect(flow.snapshot.context.error).toMatchObject({ code: 'TIMED_OUT', retryable: true });
    const checks = flow.count('checkConnection');
    await tick(600_000);
    expect(flow.count('checkConnection')).toBe(checks);
    flow.send({ type: 'RETRY' });
    await tick();
    expect(flow.count('checkConnection')).toBe(checks + 1);
    expect(flow.snapshot.context.error).toBeNull();
    await tick(5_000);
    expect(flow.snapshot.value).toEqual({ connected: 'healthy' });
  });

  it('a resumed poll times out again after another timeoutMs', async () => {
    const flow = startFlow({ input: { timing: { timeoutMs: 30_000 } } });
    await toVerifying(flow);
    await tick(30_000);
    flow.send({ type: 'VERIFY.NOW' });
    await tick(29_999);
    expect(flow.snapshot.matches({ connecting: 'verifying' })).toBe(true);
    await tick(1);
    expect(flow.snapshot.value).toEqual({ connecting: 'timedOut' });
  });
});

describe('outcomes', () => {
  it('connected: context holds the role ARN and verification time; connected is emitted once', async () => {
    const flow = startFlow({
      script: { checkConnection: (_, n) => (n < 2 ? PENDING : CONNECTED) },
    });
    await toVerifying(flow);
    await tick(15_000);
    expect(flow.snapshot.value).toEqual({ connected: 'healthy' });
    const connection = flow.snapshot.context.connection;
    expect(connection).toEqual({
      accountId: '123456789012',
      roleArn: CONNECTED.status === 'connected' ? CONNECTED.roleArn : '',
      verifiedAt: CONNECTED.status === 'connected' ? CONNECTED.verifiedAt : '',
      sessionId: 'session-123456789012',
    });
    flow.send({ type: 'PAGE.VISIBLE' });
    flow.send({ type: 'VERIFY.NOW' });
    flow.send({ type: 'REVOKE.START' });
    flow.send({ type: 'REVOKE.CANCEL' });
    await tick(600_000);
    expect(flow.emittedTypes().filter((t) => t === 'connected')).toHaveLength(1);
    expect(flow.emitted.find((e) => e.type === 'connected')).toEqual({
      type: 'connected',
      connection,
    });
    expect(flow.count('checkConnection')).toBe(2);
  });

  it('emits verification.attempt with the attempt number', async () => {
    const flow = startFlow();
    await toVerifying(flow);
    await tick(15_000);
    const attempts = flow.emitted.filter((e) => e.type === 'verification.attempt');
    expect(attempts.map((e) => e.type === 'verification.attempt' && e.attempt)).toEqual([1, 2]);
  });

  it.each(['EXTERNAL_ID_NOT_ENFORCED', 'VENDOR_CREDENTIALS', 'STS_REGION_DISABLED'] as const)(
    '%s goes to failed; RETRY checks again at once; EDIT goes to the field',
    async (code) => {
      const flow = startFlow({
        script: {
          checkConnection: (_, n) =>
            n === 1 ? { status: 'failed', code, message: 'server says' } : CONNECTED,
        },
      });
      await toVerifying(flow);
      await tick(10_000);
      expect(flow.snapshot.value).toBe('failed');
      expect(flow.snapshot.context.error).toEqual({
        code,
        message: 'server says',
        retryable: false,
      });
      expect(flow.emitted.at(-1)).toEqual({
        type: 'connection.failed',
        error: flow.snapshot.context.error,
      });
      await tick(600_000);
      expect(flow.count('checkConnection')).toBe(1);
      flow.send({ type: 'RETRY' });
      await tick();
      expect(flow.snapshot.value).toEqual({ connected: 'healthy' });
    },
  );

  it('STACK_FAILED: RETRY shows the link again to launch again', async () => {
    const flow = startFlow({
      script: {
        checkConnection: (_, n) =>
          n === 1
            ? { status: 'failed', code: 'STACK_FAILED', message: 'ROLLBACK_COMPLETE' }
            : CONNECTED,
      },
    });
    await toVerifying(flow);
    await tick(10_000);
    expect(flow.snapshot.context.error?.code).toBe('STACK_FAILED');
    flow.send({ type: 'RETRY' });
    expect(flow.snapshot.value).toEqual({ connecting: 'ready' });
    expect(flow.snapshot.context.error).toBeNull();
    flow.send({ type: 'STACK.LAUNCHED' });
    await tick(10_000);
    expect(flow.snapshot.value).toEqual({ connected: 'healthy' });
  });

  it('STACK_FAILED: launching again straight from failed works too', async () => {
    const flow = startFlow({
      script: {
        checkConnection: (_, n) =>
          n === 1 ? { status: 'failed', code: 'STACK_FAILED', message: 'x' } : CONNECTED,
      },
    });
    await toVerifying(flow);
    await tick(10_000);
    flow.send({ type: 'STACK.LAUNCHED' });
    expect(flow.snapshot.matches({ connecting: 'verifying' })).toBe(true);
  });

  it('a failed check with a retryable code keeps polling', async () => {
    const flow = startFlow({
      script: { checkConnection: () => ({ status: 'failed', code: 'NETWORK', message: 'x' }) },
    });
    await toVerifying(flow);
    await tick(30_000);
    expect(flow.snapshot.value).toEqual(VERIFYING);
  });

  it('UNAUTHORIZED while polling goes to failed; RETRY resumes after sign-in', async () => {
    const flow = startFlow({
      script: {
        checkConnection: (_, n) =>
          n === 1
            ? Promise.reject(new HttpBackendError('UNAUTHORIZED', 'x', { status: 401 }))
            : CONNECTED,
      },
    });
    await toVerifying(flow);
    await tick(10_000);
    expect(flow.snapshot.value).toBe('failed');
    expect(flow.snapshot.context.error?.code).toBe('UNAUTHORIZED');
    expect(flow.snapshot.status).toBe('active');
    flow.send({ type: 'RETRY' });
    await tick();
    expect(flow.snapshot.value).toEqual({ connected: 'healthy' });
  });

  it('leaving verification aborts the request in flight', async () => {
    const flow = startFlow({ script: { checkConnection: () => new Promise(() => {}) } });
    await toVerifying(flow);
    await tick(10_000);
    expect(flow.snapshot.hasTag('checking')).toBe(true);
    const signal = flow.callsOf('checkConnection')[0]?.signal;
    expect(signal?.aborted).toBe(false);
    flow.send({ type: 'EDIT' });
    expect(signal?.aborted).toBe(true);
    expect(flow.snapshot.value).toEqual({ disconnected: 'editing' });
    await tick(600_000);
    expect(flow.count('checkConnection')).toBe(1);
  });

  it('CANCEL while verifying stops polling and emits exit', async () => {
    const flow = startFlow();
    await toVerifying(flow);
    flow.send({ type: 'CANCEL' });
    await tick(600_000);
    expect(flow.count('checkConnection')).toBe(0);
    expect(flow.emitted.at(-1)).toEqual({ type: 'exit', state: 'connecting' });
  });
});
