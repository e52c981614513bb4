import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import {
  cloudConnectMachine,
  createCloudConnectMachine,
} from '../../src/machine/cloud-connect.machine';
import type { CloudConnectClock } from '../../src/machine/cloud-connect.types';
import { createCloudConnect } from '../../src/machine/create-cloud-connect';
import { ACCOUNT_ID, CONNECTED, createFakeBackend, PENDING } from './fake-backend';

/** A clock that moves only when told to, firing its timers in order. */
function manualClock(start: number) {
  let time = start;
  const timers = new Map<number, { at: number; callback: () => void }>();
  let nextId = 1;
  const clock: CloudConnectClock = {
    now: () => time,
    setTimeout: (callback, ms) => {
      timers.set(nextId, { at: time + ms, callback });
      return nextId++;
    },
    clearTimeout: (handle) => timers.delete(handle as number),
  };
  async function advance(ms: number) {
    const until = time + ms;
    for (;;) {
      const due = [...timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      time = due[1].at;
      due[1].callback();
      await new Promise((resolve) => setImmediate(resolve));
    }
    time = until;
  }
  return { clock, advance };
}

async function launch(actor: ReturnType<typeof createCloudConnect>) {
  actor.start();
  actor.send({ type: 'ACCOUNT_ID.CHANGE', value: ACCOUNT_ID });
  actor.send({ type: 'ACCOUNT_ID.SUBMIT' });
  await waitFor(actor, (s) => s.matches({ connecting: 'ready' }));
  actor.send({ type: 'STACK.LAUNCHED' });
}

describe('one machine definition for every actor', () => {
  it('createCloudConnect runs the shared cloudConnectMachine, not a copy per actor', () => {
    const first = createCloudConnect({ backend: createFakeBackend().backend });
    const second = createCloudConnect({ backend: createFakeBackend().backend });
    expect(first.logic).toBe(cloudConnectMachine);
    expect(second.logic).toBe(cloudConnectMachine);
  });

  it('actors side by side keep their own backend and clock', async () => {
    const a = createFakeBackend({ checkConnection: () => CONNECTED });
    const b = createFakeBackend({ checkConnection: () => PENDING });
    const clockA = manualClock(Date.parse('2026-01-01T00:00:00Z'));
    const clockB = manualClock(Date.parse('2027-06-01T00:00:00Z'));
    const actorA = createCloudConnect({ backend: a.backend, clock: clockA.clock });
    const actorB = createCloudConnect({ backend: b.backend, clock: clockB.clock });
    await launch(actorA);
    await launch(actorB);
    expect(actorA.getSnapshot().context.launchedAt).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(actorB.getSnapshot().context.launchedAt).toBe(Date.parse('2027-06-01T00:00:00Z'));

    // Only A's clock moves: only A checks, on A's backend.
    await clockA.advance(10_000);
    expect(a.count('checkConnection')).toBe(1);
    expect(b.count('checkConnection')).toBe(0);
    expect(actorA.getSnapshot().value).toEqual({ connected: 'healthy' });
    expect(actorB.getSnapshot().value).toMatchObject({ connecting: { verifying: {} } });

    await clockB.advance(10_000);
    expect(b.count('checkConnection')).toBe(1);
    expect(actorB.getSnapshot().context.lastCheck).toEqual(PENDING);
    actorA.stop();
    actorB.stop();
  });

  it('each actor draws its backoff jitter from its own random source', async () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const nextWaits = await Promise.all(
      [0, 0.999].map(async (r) => {
        const { clock, advance } = manualClock(start);
        const actor = createCloudConnect({
          backend: createFakeBackend().backend,
          clock,
          random: () => r,
        });
        await launch(actor);
        // Past backoffAfterMs, the wait after a check carries the jitter.
        await advance(121_000);
        const { nextCheckAt, lastCheckAt } = actor.getSnapshot().context;
        actor.stop();
        return (nextCheckAt ?? 0) - (lastCheckAt ?? 0);
      }),
    );
    expect(nextWaits).toEqual([4_000, 5_998]);
  });

  it('createCloudConnectMachine(backend) still binds a backend for a plain createActor', async () => {
    const fake = createFakeBackend();
    const actor = createActor(createCloudConnectMachine(fake.backend), { input: {} }).start();
    actor.send({ type: 'ACCOUNT_ID.CHANGE', value: ACCOUNT_ID });
    actor.send({ type: 'ACCOUNT_ID.SUBMIT' });
    await waitFor(actor, (s) => s.matches({ connecting: 'ready' }));
    expect(fake.count('createSession')).toBe(1);
    actor.stop();
  });

  it('the bare machine, run without a backend, reports that instead of hanging', async () => {
    const actor = createActor(cloudConnectMachine, { input: {} }).start();
    actor.send({ type: 'ACCOUNT_ID.CHANGE', value: ACCOUNT_ID });
    actor.send({ type: 'ACCOUNT_ID.SUBMIT' });
    await waitFor(actor, (s) => s.matches({ disconnected: 'sessionFailed' }));
    expect(actor.getSnapshot().context.error?.code).toBe('SESSION_FAILED');
    actor.stop();
  });
});
