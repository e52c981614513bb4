import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CloudConnectError } from '../../src/errors';
import { createCloudConnect } from '../../src/machine/create-cloud-connect';
import { SNAPSHOT_VERSION } from '../../src/machine/snapshot';
import {
  ACCOUNT_ID,
  CONNECTED,
  createFakeBackend,
  EXISTING_CONNECTION,
  PENDING,
} from './fake-backend';
import { type Flow, restore, startFlow, T0, tick, toReady, toVerifying } from './harness';

beforeEach(() => vi.useFakeTimers({ now: T0 }));
afterEach(() => vi.useRealTimers());

const connection = EXISTING_CONNECTION;
const hang = () => new Promise<never>(() => {});

// One way to reach every leaf state; each returns the flow sitting in that state.
const scenarios: Record<string, () => Promise<Flow>> = {
  editing: async () => {
    const flow = startFlow();
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: '12' });
    flow.send({ type: 'ACCOUNT_ID.BLUR' });
    return flow;
  },
  creatingSession: async () => {
    const flow = startFlow({ script: { createSession: hang } });
    await toReady(flow);
    return flow;
  },
  sessionFailed: async () => {
    const flow = startFlow({ script: { createSession: () => Promise.reject(new Error('x')) } });
    await toReady(flow);
    return flow;
  },
  ready: async () => {
    const flow = startFlow();
    await toReady(flow);
    return flow;
  },
  'verifying (waiting)': async () => {
    const flow = startFlow();
    await toVerifying(flow);
    await tick(12_000);
    return flow;
  },
  'verifying (checking)': async () => {
    const flow = startFlow({ script: { checkConnection: hang } });
    await toVerifying(flow);
    await tick(10_000);
    return flow;
  },
  'verifying (slow)': async () => {
    const flow = startFlow();
    await toVerifying(flow);
    await tick(301_000);
    return flow;
  },
  timedOut: async () => {
    const flow = startFlow({ input: { timing: { timeoutMs: 20_000 } } });
    await toVerifying(flow);
    await tick(20_000);
    return flow;
  },
  failed: async () => {
    const flow = startFlow({
      script: { checkConnection: () => ({ status: 'failed', code: 'STACK_FAILED', message: 'x' }) },
    });
    await toVerifying(flow);
    await tick(10_000);
    return flow;
  },
  'connected (healthy)': async () => startFlow({ input: { connection } }),
  'connected (waiting)': async () =>
    startFlow({ input: { connection, timing: { healthIntervalMs: 60_000 } } }),
  'connected (checking)': async () => {
    const flow = startFlow({
      input: { connection, timing: { healthIntervalMs: 60_000 } },
      script: { checkConnection: hang },
    });
    await tick(60_000);
    return flow;
  },
  accessLost: async () => {
    const flow = startFlow({
      input: { connection, timing: { healthIntervalMs: 60_000 } },
      script: { checkConnection: () => PENDING },
    });
    await tick(60_000);
    return flow;
  },
  checkingBlockers: async () => {
    const flow = startFlow({ input: { connection }, script: { listBlockers: hang } });
    flow.send({ type: 'REVOKE.START' });
    return flow;
  },
  blockersUnknown: async () => {
    const flow = startFlow({
      input: { connection },
      script: { listBlockers: () => Promise.reject(new Error('x')) },
    });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    return flow;
  },
  blocked: async () => {
    const flow = startFlow({
      input: { connection },
      script: { listBlockers: () => [{ id: 'c', kind: 'cluster', name: 'prod' }] },
    });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    return flow;
  },
  loadingLink: async () => {
    const flow = startFlow({ input: { connection }, script: { createSession: hang } });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    return flow;
  },
  deletingStack: async () => {
    const flow = startFlow({ input: { connection } });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    return flow;
  },
  'confirming (waiting)': async () => {
    const flow = startFlow({ input: { connection } });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    flow.send({ type: 'REVOKE.STACK_DELETE_LAUNCHED' });
    await tick(2_000);
    return flow;
  },
  'confirming (checking)': async () => {
    const flow = startFlow({ input: { connection }, script: { checkRevocation: hang } });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    flow.send({ type: 'REVOKE.STACK_DELETE_LAUNCHED' });
    await tick(5_000);
    return flow;
  },
  revoked: async () => {
    const flow = startFlow({ input: { connection } });
    flow.send({ type: 'REVOKE.START' });
    await tick();
    flow.send({ type: 'VERIFY.NOW' });
    await tick();
    return flow;
  },
};

describe('resuming from a JSON round-tripped snapshot', () => {
  it.each(Object.keys(scenarios))('restores %s where it was', async (name) => {
    const flow = await (scenarios[name] as () => Promise<Flow>)();
    const before = flow.snapshot;
    const restored = restore(flow);
    expect(restored.snapshot.status).toBe('active');
    expect(restored.snapshot.value).toEqual(before.value);
    expect(restored.snapshot.context).toEqual(before.context);
    expect(restored.snapshot.tags).toEqual(before.tags);
    await tick(60_000);
    expect(restored.snapshot.status).toBe('active');
  });

  it('mid-polling: the next check is due when it was due, not restarted', async () => {
    const flow = await (scenarios['verifying (waiting)'] as () => Promise<Flow>)();
    // Saved at 12 s after launch; the next check was due at 15 s.
    const restored = restore(flow, { checkConnection: () => CONNECTED });
    await tick(2_999);
    expect(restored.count('checkConnection')).toBe(0);
    await tick(1);
    expect(restored.count('checkConnection')).toBe(1);
    expect(restored.snapshot.value).toEqual({ connected: 'healthy' });
    expect(restored.emittedTypes()).toEqual(['verification.attempt', 'connected']);
  });

  it('a deadline that passed while the page was closed fires at once', async () => {
    const flow = await (scenarios['verifying (waiting)'] as () => Promise<Flow>)();
    const saved = JSON.parse(JSON.stringify(flow.actor.getPersistedSnapshot()));
    flow.actor.stop();
    vi.setSystemTime(T0 + 3_600_000);
    const restored = startFlow({ snapshot: saved });
    await tick();
    expect(restored.snapshot.value).toEqual({ connecting: 'timedOut' });
  });

  it('mid-check: the interrupted check is asked again', async () => {
    const flow = await (scenarios['verifying (checking)'] as () => Promise<Flow>)();
    const restored = restore(flow, { checkConnection: () => CONNECTED });
    await tick();
    expect(restored.count('checkConnection')).toBe(1);
    expect(restored.snapshot.value).toEqual({ connected: 'healthy' });
  });

  it('keeps the slow mark and the timeout deadlines', async () => {
    const flow = startFlow({ input: { timing: { timeoutMs: 400_000 } } });
    await toVerifying(flow);
    await tick(100_000);
    const restored = restore(flow);
    await tick(199_999);
    expect(restored.snapshot.hasTag('slow')).toBe(false);
    await tick(1);
    expect(restored.snapshot.hasTag('slow')).toBe(true);
    await tick(100_000);
    expect(restored.snapshot.value).toEqual({ connecting: 'timedOut' });
  });

  it('confirming revocation keeps polling after a restore', async () => {
    const flow = await (scenarios['confirming (waiting)'] as () => Promise<Flow>)();
    const restored = restore(flow, { checkRevocation: () => ({ status: 'revoked' }) });
    await tick(3_000);
    expect(restored.snapshot.value).toBe('revoked');
    expect(restored.emittedTypes()).toEqual(['revoked']);
  });

  it('health checks go on after a restore', async () => {
    const flow = await (scenarios['connected (waiting)'] as () => Promise<Flow>)();
    await tick(30_000);
    const restored = restore(flow, { checkConnection: () => PENDING });
    await tick(30_000);
    expect(restored.snapshot.value).toEqual({ connected: 'accessLost' });
  });
});

describe('refusing a snapshot', () => {
  const backend = createFakeBackend().backend;
  const refuses = (snapshot: unknown) => {
    try {
      createCloudConnect({ backend, snapshot });
    } catch (error) {
      return error instanceof CloudConnectError && error.code === 'INVALID_SNAPSHOT';
    }
    return false;
  };

  async function validSnapshot() {
    const flow = startFlow();
    await toVerifying(flow);
    const saved = JSON.parse(JSON.stringify(flow.actor.getPersistedSnapshot()));
    flow.actor.stop();
    return saved as Record<string, unknown> & { context: Record<string, unknown> };
  }

  it('throws INVALID_SNAPSHOT for an unknown snapshotVersion', async () => {
    const saved = await validSnapshot();
    expect(saved.context.snapshotVersion).toBe(SNAPSHOT_VERSION);
    expect(refuses({ ...saved, context: { ...saved.context, snapshotVersion: 0 } })).toBe(true);
    expect(refuses({ ...saved, context: { ...saved.context, snapshotVersion: '1' } })).toBe(true);
    expect(refuses(saved)).toBe(false);
  });

  it('throws INVALID_SNAPSHOT for things that are not snapshots of this machine', async () => {
    const saved = await validSnapshot();
    for (const bad of [
      null,
      'connected',
      42,
      [],
      {},
      { ...saved, status: 'done' },
      { ...saved, value: 'nowhere' },
      { ...saved, value: { connecting: 'somewhere' } },
      { ...saved, context: null },
      { ...saved, context: { ...saved.context, accountId: 12 } },
      { ...saved, context: { ...saved.context, nextCheckAt: 'soon' } },
      { ...saved, children: 'x' },
    ]) {
      expect(refuses(bad)).toBe(true);
    }
  });

  it('refuses a schedule it cannot compute, rather than checking back to back', async () => {
    const saved = await validSnapshot();
    const timing = saved.context.timing as Record<string, unknown>;
    for (const bad of [
      { ...saved, context: { ...saved.context, timing: { ...timing, intervalMs: 'soon' } } },
      { ...saved, context: { ...saved.context, timing: { ...timing, maxIntervalMs: -1 } } },
      { ...saved, context: { ...saved.context, timing: { firstCheckMs: 10_000 } } },
      { ...saved, context: { ...saved.context, backoffStep: 'x' } },
    ]) {
      expect(refuses(bad)).toBe(true);
    }
  });

  it('checks the session, blockers and connection as it checks server answers: no javascript: link gets through', async () => {
    const saved = await validSnapshot();
    const context = saved.context as Record<string, unknown>;
    const session = context.session as Record<string, unknown>;
    const hostile = ['javascript:alert(1)', ' java\tscript:alert(1)', 'data:text/html,x'];
    const tampered = [
      ...hostile.flatMap((url) =>
        ['quickCreateUrl', 'stacksConsoleUrl', 'templateUrl'].map((key) => ({
          session: { ...session, [key]: url },
        })),
      ),
      ...hostile.map((href) => ({ blockers: [{ id: 'c', kind: 'cluster', name: 'prod', href }] })),
      { session: { ...session, externalId: 42 } },
      { session: 'session' },
      { blockers: [null] },
      { blockers: [{ id: 'c', kind: 'cluster' }] },
      { connection: { accountId: ACCOUNT_ID, roleArn: 'arn' } },
      { connection: [] },
    ];
    for (const change of tampered) {
      expect(
        refuses({ ...saved, context: { ...context, ...change } }),
        JSON.stringify(change),
      ).toBe(true);
    }
    const fine = [
      { blockers: [{ id: 'c', kind: 'cluster', name: 'prod', href: '/clusters/c' }] },
      { connection: EXISTING_CONNECTION },
      { session: null },
    ];
    for (const change of fine) {
      expect(
        refuses({ ...saved, context: { ...context, ...change } }),
        JSON.stringify(change),
      ).toBe(false);
    }
  });

  it('any damage to a snapshot gives INVALID_SNAPSHOT or a working actor, never another exception', async () => {
    const saved = await validSnapshot();
    const keys = Object.keys(saved.context);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.anything(), (key, value) => {
        const damaged = { ...saved, context: { ...saved.context, [key]: value } };
        try {
          const actor = createCloudConnect({ backend, snapshot: damaged });
          actor.start();
          expect(actor.getSnapshot().status).toBe('active');
          actor.stop();
        } catch (error) {
          expect(error).toBeInstanceOf(CloudConnectError);
          expect((error as CloudConnectError).code).toBe('INVALID_SNAPSHOT');
        }
      }),
    );
    fc.assert(
      // undefined means "no snapshot": a fresh start.
      fc.property(
        fc.anything().filter((value) => value !== undefined),
        (value) => {
          expect(refuses(value)).toBe(true);
        },
      ),
    );
  });
});
