import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Blocker } from '../../src/backend';
import { HttpBackendError } from '../../src/http-backend';
import { ACCOUNT_ID, CONNECTED, EXISTING_CONNECTION, PENDING, sessionFor } from './fake-backend';
import { startFlow, T0, tick, toVerifying } from './harness';

beforeEach(() => vi.useFakeTimers({ now: T0 }));
afterEach(() => vi.useRealTimers());

const connection = EXISTING_CONNECTION;
const cluster: Blocker = { id: 'c-1', kind: 'cluster', name: 'production', href: '/clusters/c-1' };

describe('starting on an existing connection', () => {
  it('input.connection starts in connected without emitting connected', () => {
    const flow = startFlow({ input: { connection } });
    expect(flow.snapshot.value).toEqual({ connected: 'healthy' });
    expect(flow.snapshot.context.connection).toEqual(connection);
    expect(flow.snapshot.context.accountId).toBe(ACCOUNT_ID);
    expect(flow.emitted).toEqual([]);
  });

  it('opens a listed connection (a ConnectedAccount) keeping only the connection in context', () => {
    const flow = startFlow({
      input: {
        connection: {
          ...connection,
          templateVersion: '0.9.0',
          updateDue: true,
          lastHealthCheck: null,
        } as typeof connection,
      },
    });
    expect(flow.snapshot.context.connection).toEqual(connection);
  });

  it('VERIFY.NOW re-checks the role at once, with health checks off, and says when access is lost', async () => {
    const flow = startFlow({
      input: { connection },
      script: { checkConnection: (_, n) => (n === 1 ? CONNECTED : PENDING) },
    });
    flow.send({ type: 'VERIFY.NOW' });
    await tick();
    expect(flow.callsOf('checkConnection')[0]?.input).toEqual({ sessionId: connection.sessionId });
    expect(flow.snapshot.value).toEqual({ connected: 'healthy' });
    flow.send({ type: 'VERIFY.NOW' });
    await tick();
    expect(flow.count('checkConnection')).toBe(2);
    expect(flow.snapshot.value).toEqual({ connected: 'accessLost' });
    expect(flow.snapshot.context.error).toMatchObject({ code: 'ACCESS_LOST' });
  });

  it('VERIFY.NOW while waiting for the next health check checks at once', async () => {
    const flow = startFlow({ input: { connection, timing: { healthIntervalMs: 60_000 } } });
    expect(flow.snapshot.value).toEqual({ connected: 'waiting' });
    flow.send({ type: 'VERIFY.NOW' });
    await tick();
    expect(flow.count('checkConnection')).toBe(1);
  });

  it('CANCEL in connected emits exit and stays connected', () => {
    const flow = startFlow({ input: { connection } });
    flow.send({ type: 'CANCEL' });
    expect(flow.snapshot.value).toEqual({ connected: 'healthy' });
    expect(flow.emitted).toEqual([{ type: 'exit', state: 'connected' }]);
  });
});

describe('health checks', () => {
  it('are off by default', async () => {
    const flow = startFlow({ input: { connection } });
    await tick(3_600_000);
    expect(flow.count('checkConnection')).toBe(0);
  });

  it('run every healthIntervalMs and move to accessLost with ACCESS_LOST when the role is gone', async () => {
    const flow = startFlow({
      input: { connection, timing: { healthIntervalMs: 60_000 } },
      script: { checkConnection: (_, n) => (n < 3 ? CONNECTED : PENDING) },
    });
    expect(flow.snapshot.value).toEqual({ connected: 'waiting' });
    await tick(120_000);
    expect(flow.count('checkConnection')).toBe(2);
    expect(flow.callsOf('checkConnection')[0]?.input).toEqual({ sessionId: connection.sessionId });
    expect(flow.snapshot.value).toEqual({ connected: 'waiting' });
    await tick(60_000);
    expect(flow.snapshot.value).toEqual({ connected: 'accessLost' });
    expect(flow.snapshot.context.error).toMatchObject({ code: 'ACCESS_LOST', retryable: true });
  });

  it('RETRY from accessLost checks again and recovers when the role is back', async () => {
    const flow = startFlow({
      input: { connection, timing: { healthIntervalMs: 60_000 } },
      script: { checkConnection: (_, n) => (n === 1 ? PENDING : CONNECTED) },
    });
    await tick(60_000);
    expect(flow.snapshot.value).toEqual({ connected: 'accessLost' });
    flow.send({ type: 'RETRY' });
    await tick();
    expect(flow.snapshot.value).toEqual({ connected: 'waiting' });
    expect(flow.snapshot.context.error).toBeNull();
  });

  it('a verdict that needs a fix shows its own code; a retryable one changes nothing', async () => {
    const flow = startFlow({
      input: { connection, timing: { healthIntervalMs: 60_000 } },
      script: {
        checkConnection: (_, n) =>
          n === 1
            ? { status: 'failed', code: 'NETWORK', message: 'x' }
            : { status: 'failed', code: 'EXTERNAL_ID_NOT_ENFORCED', message: 'no external id' },
      },
    });
    await tick(60_000);
    expect(flow.snapshot.value).toEqual({ connected: 'waiting' });
    await tick(60_000);
    expect(flow.snapshot.value).toEqual({ connected: 'accessLost' });
    expect(flow.snapshot.context.error).toMatchObject({
      code: 'EXTERNAL_ID_NOT_ENFORCED',
      message: 'no external id',
    });
  });

  it('a check the server could not complete (STS throttled or unreachable) is not ACCESS_LOST', async () => {
    const flow = startFlow({
      input: { connection, timing: { healthIntervalMs: 60_000 } },
      script: {
        checkConnection: (_, n) =>
          n === 1
            ? { status: 'pending', reason: 'throttled', retryAfterMs: 2_000 }
            : { status: 'pending', reason: 'network' },
      },
    });
    await tick(120_000);
    expect(flow.count('checkConnection')).toBe(2);
    expect(flow.snapshot.value).toEqual({ connected: 'waiting' });
    expect(flow.snapshot.context.error).toBeNull();
  });

  it('REVOKE.START works from accessLost', async () => {
    const flow = startFlow({
      input: { connection, timing: { healthIntervalMs: 60_000 } },
      script: { checkConnection: () => PENDING },
    });
    await tick(60_000);
    flow.send({ type: 'REVOKE.START' });
    expect(flow.snapshot.value).toEqual({ revoking: 'checkingBlockers' });
    expect(flow.snapshot.context.error).toBeNull();
  });

  it('not reaching the backend is not ACCESS_LOST: it tries again next period', async () => {
    const flow = startFlow({
      input: { connection, timing: { healthIntervalMs: 60_000 } },
      script: { checkConnection: () => Promise.reject(new TypeError('offline')) },
    });
    await tick(180_000);
    expect(flow.snapshot.value).toEqual({ connected: 'waiting' });
    expect(flow.count('checkConnection')).toBe(3);
  });
});

describe('revoking', () => {
  it('with blockers: lists them, emits revoke.blocked, waits until REVOKE.RECHECK finds none', async () => {
    const flow = startFlow({
      input: { connection },
      script: { listBlockers: (_, n) => (n === 1 ? [cluster] : []) },
    });
    flow.send({ type: 'REVOKE.START' });
    expect(flow.snapshot.value).toEqual({ revoking: 'checkingBlockers' });
    await tick();
    expect(flow.snapshot.value).toEqual({ revoking: 'blocked' });
    expect(flow.snapshot.context.blockers).toEqual([cluster]);
    expect(flow.snapshot.context.error).toMatchObject({ code: 'REVOKE_BLOCKED' });
    expect(flow.emitted).toEqual([{ type: 'revoke.blocked', blockers: [cluster] }]);
    await tick(600_000);
    expect(flow.count('listBlockers')).toBe(1);
    flow.send({ type: 'REVOKE.RECHECK' });
    await tick();
    expect(flow.callsOf('listBlockers')[1]?.input).toEqual({ accountId: ACCOUNT_ID });
    expect(flow.snapshot.value).toEqual({ revoking: 'deletingStack' });
    expect(flow.snapshot.context.blockers).toEqual([]);
    expect(flow.snapshot.context.error).toBeNull();
  });

  it('fetches the session for the stacks-console link when it started on a connection', async () => {
    const flow = startFlow({ input: { connection } });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    expect(flow.count('createSession')).toBe(1);
    expect(flow.snapshot.value).toEqual({ revoking: 'deletingStack' });
    expect(flow.snapshot.context.session?.stacksConsoleUrl).toBe(sessionFor().stacksConsoleUrl);
  });

  it('still guides the deletion when the link cannot be fetched', async () => {
    const flow = startFlow({
      input: { connection },
      script: { createSession: () => Promise.reject(new TypeError('offline')) },
    });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    expect(flow.snapshot.value).toEqual({ revoking: 'deletingStack' });
    expect(flow.snapshot.context.session).toBeNull();
  });

  it('polls checkRevocation every revocationIntervalMs after the deletion is launched, until revoked', async () => {
    const flow = startFlow({
      input: { connection },
      script: {
        checkRevocation: (_, n) =>
          n < 3 ? { status: 'pending', stackStatus: 'DELETE_IN_PROGRESS' } : { status: 'revoked' },
      },
    });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    await tick(60_000);
    expect(flow.count('checkRevocation')).toBe(0);
    flow.send({ type: 'REVOKE.STACK_DELETE_LAUNCHED' });
    expect(flow.snapshot.value).toEqual({ revoking: { confirming: 'waiting' } });
    await tick(10_000);
    expect(flow.count('checkRevocation')).toBe(2);
    expect(flow.snapshot.context.lastRevocationCheck).toEqual({
      status: 'pending',
      stackStatus: 'DELETE_IN_PROGRESS',
    });
    await tick(5_000);
    expect(flow.snapshot.value).toBe('revoked');
    expect(flow.snapshot.context.connection).toBeNull();
    expect(flow.emitted.at(-1)).toEqual({ type: 'revoked', accountId: ACCOUNT_ID });
    await tick(60_000);
    expect(flow.count('checkRevocation')).toBe(3);
  });

  it('PAGE.VISIBLE while confirming checks at once (minGap applies)', async () => {
    const flow = startFlow({ input: { connection } });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    flow.send({ type: 'REVOKE.STACK_DELETE_LAUNCHED' });
    flow.send({ type: 'PAGE.VISIBLE' });
    await tick();
    expect(flow.snapshot.value).toBe('revoked');
  });

  it('after revoked, EDIT starts over with the account ID kept', async () => {
    const flow = startFlow({ input: { connection } });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    flow.send({ type: 'VERIFY.NOW' });
    await tick();
    expect(flow.snapshot.value).toBe('revoked');
    flow.send({ type: 'EDIT' });
    expect(flow.snapshot.value).toEqual({ disconnected: 'editing' });
    expect(flow.snapshot.context.accountId).toBe(ACCOUNT_ID);
    expect(flow.snapshot.context.connection).toBeNull();
  });

  it('REVOKE.CANCEL returns to connected from every revoking step', async () => {
    const steps = [
      { blockers: [cluster], settle: false, step: 'checkingBlockers' },
      { blockers: [cluster], settle: true, step: 'blocked' },
      { blockers: [], settle: true, step: 'deletingStack' },
    ];
    for (const { blockers, settle, step } of steps) {
      const flow = startFlow({ input: { connection }, script: { listBlockers: () => blockers } });
      flow.send({ type: 'REVOKE.START' });
      if (settle) await tick();
      expect(flow.snapshot.value).toEqual({ revoking: step });
      flow.send({ type: 'REVOKE.CANCEL' });
      expect(flow.snapshot.value).toEqual({ connected: 'healthy' });
      expect(flow.snapshot.context.blockers).toEqual([]);
      expect(flow.snapshot.context.error).toBeNull();
      expect(flow.snapshot.context.connection).toEqual(connection);
      flow.actor.stop();
    }
    const confirming = startFlow({
      input: { connection },
      script: { checkRevocation: () => new Promise(() => {}) },
    });
    confirming.send({ type: 'REVOKE.START' });
    await tick();
    confirming.send({ type: 'REVOKE.STACK_DELETE_LAUNCHED' });
    await tick(5_000);
    expect(confirming.snapshot.value).toEqual({ revoking: { confirming: 'checking' } });
    const signal = confirming.callsOf('checkRevocation')[0]?.signal;
    confirming.send({ type: 'REVOKE.CANCEL' });
    expect(confirming.snapshot.value).toEqual({ connected: 'healthy' });
    expect(signal?.aborted).toBe(true);
    await tick(60_000);
    expect(confirming.count('checkRevocation')).toBe(1);
  });

  it('CANCEL while revoking emits exit and returns to connected', async () => {
    const flow = startFlow({ input: { connection } });
    flow.send({ type: 'REVOKE.START' });
    flow.send({ type: 'CANCEL' });
    expect(flow.snapshot.value).toEqual({ connected: 'healthy' });
    expect(flow.emitted).toEqual([{ type: 'exit', state: 'revoking' }]);
  });

  it('a failing blocker list can be retried', async () => {
    const flow = startFlow({
      input: { connection },
      script: { listBlockers: (_, n) => (n === 1 ? Promise.reject(new TypeError('offline')) : []) },
    });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    expect(flow.snapshot.value).toEqual({ revoking: 'blockersUnknown' });
    expect(flow.snapshot.context.error?.code).toBe('NETWORK');
    flow.send({ type: 'RETRY' });
    await tick();
    expect(flow.snapshot.value).toEqual({ revoking: 'deletingStack' });
  });

  it('network trouble while confirming keeps polling; a fatal verdict goes to failed, RETRY returns to revoking', async () => {
    const flow = startFlow({
      input: { connection },
      script: {
        checkRevocation: (_, n) => {
          if (n === 1) return Promise.reject(new HttpBackendError('NETWORK', 'x'));
          if (n === 2) return { status: 'failed', code: 'VENDOR_CREDENTIALS', message: 'bad keys' };
          return { status: 'revoked' };
        },
      },
    });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    flow.send({ type: 'REVOKE.STACK_DELETE_LAUNCHED' });
    await tick(5_000);
    expect(flow.snapshot.value).toEqual({ revoking: { confirming: 'waiting' } });
    await tick(5_000);
    expect(flow.snapshot.value).toBe('failed');
    expect(flow.snapshot.context.error).toMatchObject({
      code: 'VENDOR_CREDENTIALS',
      message: 'bad keys',
    });
    expect(flow.emitted.at(-1)).toMatchObject({ type: 'connection.failed' });
    flow.send({ type: 'RETRY' });
    await tick();
    expect(flow.snapshot.value).toEqual({ revoking: 'deletingStack' });
  });

  it('from a revocation failure, REVOKE.CANCEL returns to connected', async () => {
    const flow = startFlow({
      input: { connection },
      script: {
        checkRevocation: () => Promise.reject(new HttpBackendError('UNAUTHORIZED', 'x')),
      },
    });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    flow.send({ type: 'VERIFY.NOW' });
    await tick();
    expect(flow.snapshot.value).toBe('failed');
    flow.send({ type: 'REVOKE.CANCEL' });
    expect(flow.snapshot.value).toEqual({ connected: 'healthy' });
  });

  it('a host backend that answers nothing never puts the actor in an error status', async () => {
    const nothing = () => undefined as never;
    const flow = startFlow({
      input: { connection, timing: { healthIntervalMs: 60_000 } },
      script: { checkConnection: nothing, listBlockers: nothing, checkRevocation: nothing },
    });
    await tick(60_000);
    expect(flow.snapshot.value).toEqual({ connected: 'accessLost' });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    flow.send({ type: 'REVOKE.STACK_DELETE_LAUNCHED' });
    await tick(30_000);
    expect(flow.snapshot.status).toBe('active');
    expect(flow.snapshot.value).toEqual({ revoking: { confirming: 'waiting' } });
    const verifying = startFlow({ script: { checkConnection: nothing } });
    await toVerifying(verifying);
    await tick(30_000);
    expect(verifying.snapshot.status).toBe('active');
    expect(verifying.count('checkConnection')).toBe(5);
  });
});
