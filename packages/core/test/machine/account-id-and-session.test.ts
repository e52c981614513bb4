import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseAccountId } from '../../src/account-id';
import { CloudConnectError } from '../../src/errors';
import { HttpBackendError } from '../../src/http-backend';
import { ACCOUNT_ID, deferred, sessionFor } from './fake-backend';
import { startFlow, T0, tick, toReady } from './harness';

beforeEach(() => vi.useFakeTimers({ now: T0 }));
afterEach(() => vi.useRealTimers());

describe('typing the account ID', () => {
  it('starts empty, or pre-filled from input.accountId', () => {
    expect(startFlow().snapshot.context.accountId).toBe('');
    const flow = startFlow({ input: { accountId: '1234-5678-9012' } });
    expect(flow.snapshot.value).toEqual({ disconnected: 'editing' });
    expect(flow.snapshot.context.accountId).toBe('1234-5678-9012');
  });

  it('shows no error on the first keystroke, even an invalid one', () => {
    const flow = startFlow();
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: '1' });
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: '1x' });
    expect(flow.snapshot.context.accountIdError).toBeNull();
    expect(flow.snapshot.context.error).toBeNull();
  });

  it('shows the parseAccountId message on blur', () => {
    const flow = startFlow();
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: '1234' });
    flow.send({ type: 'ACCOUNT_ID.BLUR' });
    const expected = parseAccountId('1234');
    expect(expected.ok).toBe(false);
    expect(flow.snapshot.context.accountIdError).toBe(!expected.ok && expected.message);
  });

  it('does not complain when an empty field loses focus', () => {
    const flow = startFlow();
    flow.send({ type: 'ACCOUNT_ID.BLUR' });
    expect(flow.snapshot.context.accountIdError).toBeNull();
  });

  it('once an error shows, it follows the typing and clears as soon as the ID is valid', () => {
    const flow = startFlow();
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: '12' });
    flow.send({ type: 'ACCOUNT_ID.BLUR' });
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: '12a' });
    expect(flow.snapshot.context.accountIdError).toContain('"a"');
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: ACCOUNT_ID });
    expect(flow.snapshot.context.accountIdError).toBeNull();
  });

  it('an invalid submit stays put with INVALID_ACCOUNT_ID and creates no session', async () => {
    const flow = startFlow();
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: '1234 5678 901' });
    flow.send({ type: 'ACCOUNT_ID.SUBMIT' });
    await tick(1000);
    expect(flow.snapshot.value).toEqual({ disconnected: 'editing' });
    expect(flow.snapshot.context.error).toMatchObject({
      code: 'INVALID_ACCOUNT_ID',
      retryable: false,
    });
    expect(flow.snapshot.context.accountIdError).toContain('has 11');
    expect(flow.snapshot.context.error?.message).toBe(flow.snapshot.context.accountIdError);
    expect(flow.count('createSession')).toBe(0);
  });

  it('an empty submit says the ID is missing', () => {
    const flow = startFlow();
    flow.send({ type: 'ACCOUNT_ID.SUBMIT' });
    const empty = parseAccountId('');
    expect(flow.snapshot.context.accountIdError).toBe(!empty.ok && empty.message);
  });
});

describe('creating the session', () => {
  it('submits the normalised ID, then offers the quick-create link', async () => {
    const flow = startFlow();
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: ' 1234-5678-9012 ' });
    flow.send({ type: 'ACCOUNT_ID.SUBMIT' });
    expect(flow.snapshot.value).toEqual({ disconnected: 'creatingSession' });
    expect(flow.snapshot.hasTag('loading')).toBe(true);
    await tick();
    expect(flow.snapshot.value).toEqual({ connecting: 'ready' });
    expect(flow.callsOf('createSession')[0]?.input).toEqual({ accountId: ACCOUNT_ID });
    expect(flow.snapshot.context.session).toEqual(sessionFor(ACCOUNT_ID));
    expect(flow.emitted).toEqual([{ type: 'session.created', session: sessionFor(ACCOUNT_ID) }]);
  });

  it('editing the ID while the request is in flight aborts it and ignores its late answer', async () => {
    const pending = deferred<ReturnType<typeof sessionFor>>();
    const flow = startFlow({ script: { createSession: () => pending.promise } });
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: ACCOUNT_ID });
    flow.send({ type: 'ACCOUNT_ID.SUBMIT' });
    const signal = flow.callsOf('createSession')[0]?.signal;
    expect(signal?.aborted).toBe(false);
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: '210987654321' });
    expect(signal?.aborted).toBe(true);
    expect(flow.snapshot.value).toEqual({ disconnected: 'editing' });
    expect(flow.snapshot.context.accountId).toBe('210987654321');
    pending.resolve(sessionFor());
    await tick();
    expect(flow.snapshot.value).toEqual({ disconnected: 'editing' });
    expect(flow.snapshot.context.session).toBeNull();
  });

  it.each([
    ['NETWORK', new HttpBackendError('NETWORK', 'offline'), true],
    ['UNAUTHORIZED', new HttpBackendError('UNAUTHORIZED', 'signed out', { status: 401 }), false],
    ['SESSION_FAILED', new Error('boom'), true],
    ['SESSION_FAILED', new CloudConnectError('STACK_FAILED'), true],
    ['SESSION_FAILED', 'a string thrown', true],
  ] as const)(
    'a backend failure gives %s with a retry, never an error status',
    async (code, thrown, retryable) => {
      const flow = startFlow({
        script: {
          createSession: (input, n) =>
            n === 1 ? Promise.reject(thrown) : sessionFor(input.accountId),
        },
      });
      await toReady(flow);
      expect(flow.snapshot.status).toBe('active');
      expect(flow.snapshot.value).toEqual({ disconnected: 'sessionFailed' });
      expect(flow.snapshot.context.error).toMatchObject({ code, retryable });
      flow.send({ type: 'RETRY' });
      await tick();
      expect(flow.snapshot.value).toEqual({ connecting: 'ready' });
      expect(flow.snapshot.context.error).toBeNull();
    },
  );

  it('a rate limit retries by itself after Retry-After (and RETRY works sooner)', async () => {
    const flow = startFlow({
      script: {
        createSession: (input, n) =>
          n === 1
            ? Promise.reject(
                new HttpBackendError('RATE_LIMITED', 'slow down', { retryAfterMs: 7000 }),
              )
            : sessionFor(input.accountId),
      },
    });
    await toReady(flow);
    expect(flow.snapshot.context.error?.code).toBe('RATE_LIMITED');
    await tick(6999);
    expect(flow.count('createSession')).toBe(1);
    await tick(1);
    expect(flow.count('createSession')).toBe(2);
    expect(flow.snapshot.value).toEqual({ connecting: 'ready' });
  });

  it('a server refusing the account ID shows it on the field', async () => {
    const flow = startFlow({
      script: {
        createSession: () =>
          Promise.reject(new HttpBackendError('INVALID_ACCOUNT_ID', 'That account is closed.')),
      },
    });
    await toReady(flow);
    expect(flow.snapshot.value).toEqual({ disconnected: 'editing' });
    expect(flow.snapshot.context.accountIdError).toBe('That account is closed.');
  });

  it('after a failure, typing goes back to editing and a new submit tries again', async () => {
    const flow = startFlow({
      script: {
        createSession: (input, n) =>
          n === 1 ? Promise.reject(new Error('down')) : sessionFor(input.accountId),
      },
    });
    await toReady(flow);
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: '210987654321' });
    expect(flow.snapshot.value).toEqual({ disconnected: 'editing' });
    expect(flow.snapshot.context.error).toBeNull();
    flow.send({ type: 'ACCOUNT_ID.SUBMIT' });
    await tick();
    expect(flow.snapshot.context.session?.accountId).toBe('210987654321');
  });

  it('EDIT from the ready link goes back to the field, keeping the ID', async () => {
    const flow = startFlow();
    await toReady(flow);
    flow.send({ type: 'EDIT' });
    expect(flow.snapshot.value).toEqual({ disconnected: 'editing' });
    expect(flow.snapshot.context.accountId).toBe(ACCOUNT_ID);
    expect(flow.snapshot.context.session).toBeNull();
  });

  it('CANCEL emits exit and returns to the field', async () => {
    const flow = startFlow();
    await toReady(flow);
    flow.send({ type: 'CANCEL' });
    expect(flow.snapshot.value).toEqual({ disconnected: 'editing' });
    expect(flow.emitted.at(-1)).toEqual({ type: 'exit', state: 'connecting' });
  });
});
