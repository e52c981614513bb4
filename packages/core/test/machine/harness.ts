import { vi } from 'vitest';
import type { CloudConnectEmitted, CloudConnectInput } from '../../src/machine/cloud-connect.types';
import { createCloudConnect } from '../../src/machine/create-cloud-connect';
import { ACCOUNT_ID, createFakeBackend } from './fake-backend';

/** The fake clock's start: every test's "launch" happens at a known epoch. */
export const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** Advances fake time (timers and the promises they settle). */
export const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

/**
 * Starts a flow on a scripted backend, recording every emitted event. Jitter is pinned to
 * its middle (factor 1) unless `random` says otherwise.
 */
export function startFlow(
  options: {
    script?: Parameters<typeof createFakeBackend>[0];
    input?: CloudConnectInput;
    snapshot?: unknown;
    random?: () => number;
  } = {},
) {
  const fake = createFakeBackend(options.script);
  const actor = createCloudConnect({
    backend: fake.backend,
    input: options.input,
    snapshot: options.snapshot,
    random: options.random ?? (() => 0.5),
  });
  const emitted: CloudConnectEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  return {
    ...fake,
    actor,
    emitted,
    send: actor.send,
    get snapshot() {
      return actor.getSnapshot();
    },
    emittedTypes: () => emitted.map((e) => e.type),
  };
}

export type Flow = ReturnType<typeof startFlow>;

/** Submits a valid account ID and lets the session come back: the flow is `connecting.ready`. */
export async function toReady(flow: Flow, accountId = ACCOUNT_ID) {
  flow.send({ type: 'ACCOUNT_ID.CHANGE', value: accountId });
  flow.send({ type: 'ACCOUNT_ID.SUBMIT' });
  await tick();
}

/** From `ready`, launches the stack: verification starts at the current fake time. */
export async function toVerifying(flow: Flow) {
  await toReady(flow);
  flow.send({ type: 'STACK.LAUNCHED' });
  await tick();
}

/** Persists, JSON round-trips and restores a flow on a fresh backend, stopping the old actor. */
export function restore(flow: Flow, script?: Parameters<typeof createFakeBackend>[0]) {
  const saved = JSON.parse(JSON.stringify(flow.actor.getPersistedSnapshot()));
  flow.actor.stop();
  return startFlow({ script, snapshot: saved });
}
