import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connect } from '../../src/machine/cloud-connect.connect';
import {
  type CloudConnectSnapshot,
  selectAccountId,
  selectAccountIdError,
  selectAttempts,
  selectBlockers,
  selectConnection,
  selectError,
  selectIsSlow,
  selectIsSubmitting,
  selectIsTimedOut,
  selectPopupBlocked,
  selectSession,
  selectStatus,
  selectStep,
  shallowEqual,
  statusMessage,
} from '../../src/machine/cloud-connect.selectors';
import { messageFor } from '../../src/messages';
import { ACCOUNT_ID, EXISTING_CONNECTION, sessionFor } from './fake-backend';
import { type Flow, startFlow, T0, tick, toReady, toVerifying } from './harness';

beforeEach(() => vi.useFakeTimers({ now: T0 }));
afterEach(() => vi.useRealTimers());

// Every selector, so one test can hold them all to the same promises.
const SELECTORS = {
  selectStep,
  selectAccountId,
  selectAccountIdError,
  selectIsSubmitting,
  selectError,
  selectSession,
  selectConnection,
  selectBlockers,
  selectAttempts,
  selectIsSlow,
  selectIsTimedOut,
  selectPopupBlocked,
};

// What `useSelector` does: keep the last value, re-render when `compare` says it changed.
function track<T>(flow: Flow, select: (s: CloudConnectSnapshot) => T, compare = Object.is) {
  let last = select(flow.snapshot);
  let changes = 0;
  flow.actor.subscribe((snapshot) => {
    const next = select(snapshot);
    if (!compare(last, next)) changes += 1;
    last = next;
  });
  return { changes: () => changes, value: () => last };
}

describe('selectors', () => {
  it('read the same values connect() shows', async () => {
    const flow = startFlow({ input: { timing: { timeoutMs: 20_000 } } });
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: '12' });
    flow.send({ type: 'ACCOUNT_ID.BLUR' });
    expect(selectAccountIdError(flow.snapshot)).toBe(
      connect(flow.snapshot, flow.send).accountIdError,
    );
    await toVerifying(flow);
    await tick(20_000);
    const api = connect(flow.snapshot, flow.send);
    expect(selectStep(flow.snapshot)).toBe(api.step);
    expect(selectAccountId(flow.snapshot)).toBe(api.accountId);
    expect(selectError(flow.snapshot)).toBe(api.error);
    expect(selectSession(flow.snapshot)).toBe(api.session);
    expect(selectAttempts(flow.snapshot)).toBe(api.attempts);
    expect(selectIsSlow(flow.snapshot)).toBe(api.isSlow);
    expect(selectIsTimedOut(flow.snapshot)).toBe(true);
    expect(selectPopupBlocked(flow.snapshot)).toBe(api.popupBlocked);
    expect(statusMessage(selectStatus(flow.snapshot))).toBe(api.statusMessage);
  });

  it('selectIsSubmitting is true only while the session is being created', async () => {
    const flow = startFlow();
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: ACCOUNT_ID });
    expect(selectIsSubmitting(flow.snapshot)).toBe(false);
    flow.send({ type: 'ACCOUNT_ID.SUBMIT' });
    expect(selectIsSubmitting(flow.snapshot)).toBe(true);
    await tick();
    expect(selectIsSubmitting(flow.snapshot)).toBe(false);
    expect(selectSession(flow.snapshot)).toEqual(sessionFor());
  });

  it('return primitives or references the context keeps: typing changes only the field', () => {
    const flow = startFlow();
    const trackers = Object.entries(SELECTORS).map(([name, select]) => ({
      name,
      tracker: track(flow, select as (s: CloudConnectSnapshot) => unknown),
    }));
    const status = track(flow, selectStatus, shallowEqual);
    for (const value of ['1', '12', '123', '1234']) {
      flow.send({ type: 'ACCOUNT_ID.CHANGE', value });
      flow.send({ type: 'VERIFY.NOW' }); // ignored while editing: a snapshot that changes nothing
    }
    const changed = trackers.filter(({ tracker }) => tracker.changes() > 0).map((t) => t.name);
    expect(changed).toEqual(['selectAccountId']);
    expect(status.changes()).toBe(0);
  });

  it('selectStatus with shallowEqual changes when a field does, and only then', async () => {
    const flow = startFlow();
    const status = track(flow, selectStatus, shallowEqual);
    const raw = track(flow, selectStatus);
    await toReady(flow);
    const afterReady = status.changes();
    expect(afterReady).toBeGreaterThan(0);
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: 'x' }); // ignored in ready
    expect(status.changes()).toBe(afterReady);
    expect(raw.changes()).toBeGreaterThan(afterReady); // a new object each snapshot
    expect(statusMessage(status.value())).toBe(messageFor('status.ready'));
    expect(statusMessage(status.value(), { 'status.ready': 'Bereit' })).toBe('Bereit');
  });

  it('says the stack is being created when the server heard so, and the usual line otherwise', async () => {
    let reason: 'creating' | 'not-assumable' = 'creating';
    const flow = startFlow({ script: { checkConnection: () => ({ status: 'pending', reason }) } });
    await toVerifying(flow);
    await tick(10_000);
    expect(selectStatus(flow.snapshot).isStackCreating).toBe(true);
    expect(connect(flow.snapshot, flow.send).statusMessage).toBe(
      messageFor('status.stackCreating'),
    );
    expect(
      statusMessage(selectStatus(flow.snapshot), { 'status.stackCreating': 'Wird erstellt' }),
    ).toBe('Wird erstellt');
    reason = 'not-assumable';
    await tick(5_000);
    expect(selectStatus(flow.snapshot).isStackCreating).toBe(false);
    expect(connect(flow.snapshot, flow.send).statusMessage).toBe(messageFor('status.verifying'));
  });

  it('selectBlockers and selectConnection hold the context references', async () => {
    const flow = startFlow({
      input: { connection: EXISTING_CONNECTION },
      script: { listBlockers: () => [{ id: 'c', kind: 'cluster', name: 'prod' }] },
    });
    await tick();
    expect(selectConnection(flow.snapshot)).toBe(flow.snapshot.context.connection);
    flow.send({ type: 'REVOKE.START' });
    await tick();
    expect(selectStep(flow.snapshot)).toBe('blocked');
    expect(selectBlockers(flow.snapshot)).toBe(flow.snapshot.context.blockers);
    expect(selectBlockers(flow.snapshot)).toHaveLength(1);
  });
});

describe('shallowEqual', () => {
  it('compares one level deep with Object.is', () => {
    const error = { code: 'NETWORK' as const, message: 'm', retryable: true };
    expect(shallowEqual({ a: 1, error }, { a: 1, error })).toBe(true);
    expect(shallowEqual({ a: 1, error }, { a: 1, error: { ...error } })).toBe(false);
    expect(shallowEqual({ a: 1 }, { a: 1, b: undefined } as { a: number })).toBe(false);
    expect(shallowEqual({ a: Number.NaN }, { a: Number.NaN })).toBe(true);
  });
});
