import { getAdjacencyMap, getStateNodes } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine, EventObject, SnapshotFrom, StateValue } from 'xstate';
import { parseAccountId } from '../../src/account-id';
import { HttpBackendError } from '../../src/http-backend';
import { cloudConnectMachine } from '../../src/machine/cloud-connect.machine';
import type { CloudConnectInput } from '../../src/machine/cloud-connect.types';
import { ACCOUNT_ID, CONNECTED, PENDING, sessionFor } from './fake-backend';

type Snapshot = SnapshotFrom<typeof cloudConnectMachine>;

const USER_EVENTS: EventObject[] = [
  { type: 'ACCOUNT_ID.CHANGE', value: '' } as EventObject,
  { type: 'ACCOUNT_ID.CHANGE', value: '12x' } as EventObject,
  { type: 'ACCOUNT_ID.CHANGE', value: ACCOUNT_ID } as EventObject,
  { type: 'ACCOUNT_ID.BLUR' },
  { type: 'ACCOUNT_ID.SUBMIT' },
  { type: 'EDIT' },
  { type: 'STACK.LAUNCHED' },
  { type: 'STACK.LAUNCHED', popupBlocked: true } as EventObject,
  { type: 'VERIFY.NOW' },
  { type: 'PAGE.VISIBLE' },
  { type: 'PAGE.HIDDEN' },
  { type: 'RETRY' },
  { type: 'CANCEL' },
  { type: 'REVOKE.START' },
  { type: 'REVOKE.RECHECK' },
  { type: 'REVOKE.STACK_DELETE_LAUNCHED' },
  { type: 'REVOKE.CANCEL' },
];

const failed = (code: string) => ({ status: 'failed', code, message: code });
const network = new HttpBackendError('NETWORK', 'offline');
const unauthorized = new HttpBackendError('UNAUTHORIZED', 'signed out');
const refused = new HttpBackendError('INVALID_ACCOUNT_ID', 'refused');

// What each invoked actor can answer: its outputs and its errors.
const OUTCOMES: Record<string, { outputs: unknown[]; errors: unknown[] }> = {
  createSession: { outputs: [sessionFor()], errors: [network, unauthorized, refused] },
  loadSession: { outputs: [sessionFor()], errors: [network] },
  checkConnection: {
    outputs: [PENDING, CONNECTED, failed('STACK_FAILED'), failed('EXTERNAL_ID_NOT_ENFORCED')],
    errors: [network, unauthorized],
  },
  healthCheck: { outputs: [PENDING, CONNECTED], errors: [network] },
  listBlockers: { outputs: [[], [{ id: 'c', kind: 'cluster', name: 'prod' }]], errors: [network] },
  checkRevocation: {
    outputs: [{ status: 'revoked' }, { status: 'pending' }, failed('VENDOR_CREDENTIALS')],
    errors: [network, unauthorized],
  },
};

function eventsFor(snapshot: Snapshot): EventObject[] {
  const actorEvents = Object.keys(snapshot.children).flatMap((id) => {
    const outcomes = OUTCOMES[id] ?? { outputs: [undefined], errors: [] };
    return [
      ...outcomes.outputs.map((output) => ({ type: `xstate.done.actor.${id}`, output })),
      ...outcomes.errors.map((error) => ({ type: `xstate.error.actor.${id}`, error })),
    ];
  });
  return [...USER_EVENTS, ...actorEvents];
}

// Two snapshots are "the same state" when everything a transition depends on is the same.
function serialize(snapshot: Snapshot): string {
  const { context } = snapshot;
  return JSON.stringify([
    snapshot.value,
    context.failedStep,
    context.error?.code ?? null,
    context.session !== null,
    context.connection !== null,
    context.accountIdError !== null,
    parseAccountId(context.accountId).ok,
    context.timing.healthIntervalMs > 0,
  ]);
}

function reachable(input: CloudConnectInput | undefined): Snapshot[] {
  // The graph library's generics do not see emitted-event types; the traversal itself is typed loosely.
  const map = getAdjacencyMap(cloudConnectMachine as unknown as AnyStateMachine, {
    input,
    events: eventsFor as never,
    serializeState: serialize as never,
    limit: 50_000,
  });
  return Object.values(map).map((entry) => entry.state as Snapshot);
}

function leafPaths(value: StateValue, prefix: string[] = []): string[] {
  if (typeof value === 'string') return [[...prefix, value].join('.')];
  return Object.entries(value).flatMap(([key, inner]) =>
    inner === undefined ? [] : leafPaths(inner, [...prefix, key]),
  );
}

const snapshots = [
  ...reachable(undefined),
  ...reachable({
    connection: { accountId: ACCOUNT_ID, roleArn: 'arn', verifiedAt: 'now', sessionId: 's' },
    timing: { healthIntervalMs: 60_000 },
  }),
];

describe('walking every path of the machine', () => {
  it('reaches every state the machine defines', () => {
    const defined = getStateNodes(cloudConnectMachine.root)
      .filter((node) => node.type === 'atomic')
      .map((node) => node.path.join('.'))
      // A transient state: it always moves on within the same step.
      .filter((path) => !path.endsWith('deciding') && path !== 'connected.watching');
    const reached = new Set(snapshots.flatMap((snapshot) => leafPaths(snapshot.value)));
    expect(defined.filter((path) => !reached.has(path))).toEqual([]);
  });

  it('has no dead end: every state progresses by itself or accepts RETRY, EDIT or CANCEL', () => {
    const deadEnds = snapshots
      .filter((snapshot) => {
        const progresses = Object.keys(snapshot.children).length > 0;
        const accepts = ['RETRY', 'EDIT', 'CANCEL'].some((type) => snapshot.can({ type } as never));
        return !progresses && !accepts;
      })
      .map((snapshot) => JSON.stringify(snapshot.value));
    expect(deadEnds).toEqual([]);
    expect(snapshots.length).toBeGreaterThan(30);
  });

  it('no state is final and no step ends the actor', () => {
    for (const snapshot of snapshots) {
      expect(snapshot.status).toBe('active');
    }
  });
});
