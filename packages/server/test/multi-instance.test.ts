// Three handler instances, each a process of its own, on one PostgreSQL database, behind no load
// balancer: the test spreads requests over them itself.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPostgresStore } from '../src/stores/postgres-store';
import { type CountingVerifier, startCountingVerifier } from './support/counting-verifier';
import {
  type HandlerInstance,
  startHandlerInstance,
  stopHandlerInstance,
} from './support/handler-instances';
import { createDatabase } from './support/postgres-server';

const TENANTS = 20;
const ROUNDS = 3;
const CHECKS_PER_ROUND = 600;
const VERIFIER_DELAY_MS = 500;
// On a busy machine 600 requests take seconds to arrive; a result lifetime longer than that
// keeps the count independent of machine speed. Each round checks sessions of its own.
const RESULT_TTL_MS = '60000';

let verifier: CountingVerifier;
let instances: HandlerInstance[] = [];
// sessions[round][tenant]: the session each round checks (a fresh one per round).
const sessions: string[][] = [];

const tenant = (t: number) => `tenant-${t}`;
const accountOf = (round: number, t: number) => String(200_000_000_000 + round * 1000 + t);

beforeAll(async () => {
  const url = await createDatabase(inject('postgresUrl'));
  const store = createPostgresStore({ connectionString: url });
  await store.migrate();
  await store.close();
  verifier = await startCountingVerifier(VERIFIER_DELAY_MS);
  instances = await Promise.all(
    ['a', 'b', 'c'].map((name) =>
      startHandlerInstance(name, {
        DATABASE_URL: url,
        VERIFIER_URL: verifier.url,
        RESULT_TTL_MS,
      }),
    ),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => stopHandlerInstance(instance)));
  await verifier?.close();
});

describe('three handler instances on one PostgreSQL database', () => {
  it('give identical sessions when all three create the same tenant + account at the same moment', async () => {
    const created = await Promise.all(
      Array.from({ length: ROUNDS * TENANTS }, async (_, i) => {
        const round = Math.floor(i / TENANTS);
        const t = i % TENANTS;
        const answers = await Promise.all(
          instances.map((instance) =>
            instance.request('/api/sessions', tenant(t), { accountId: accountOf(round, t) }),
          ),
        );
        return { round, t, answers };
      }),
    );
    for (const { round, t, answers } of created) {
      expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
      const [first, ...others] = answers.map((answer) => answer.body.session);
      for (const other of others) expect(other).toEqual(first);
      sessions[round] = sessions[round] ?? [];
      sessions[round][t] = (first as { sessionId: string }).sessionId;
    }
    const externalIds = created.map(
      ({ answers }) => (answers[0]?.body.session as { externalId: string } | undefined)?.externalId,
    );
    expect(new Set(externalIds).size).toBe(ROUNDS * TENANTS);
  }, 120_000);

  it('make about one verifier call per session for 600 concurrent checks, as one instance would (20 a round, not 60)', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const before = verifier.calls.length;
      const answers = await Promise.all(
        Array.from({ length: CHECKS_PER_ROUND }, (_, i) => {
          const t = i % TENANTS;
          const instance = instances[Math.floor(i / TENANTS) % instances.length];
          return instance?.request(`/api/sessions/${sessions[round]?.[t]}/check`, tenant(t), {});
        }),
      );
      // Any other answer, with its body and the instances' logs, so a failure says what went wrong.
      const others = answers.filter((answer) => answer?.status !== 200);
      expect(others.slice(0, 3), instances.map((i) => i.stderr()).join('')).toEqual([]);
      expect(answers[0]?.body.check).toEqual({ status: 'pending', reason: 'not-assumable' });
      const calls = verifier.calls.length - before;
      // One per session, as one instance makes; without coordination it would be up to 60. The
      // slack covers a holder so starved of CPU that its lease (10 s) lapses mid-check.
      expect(calls).toBeGreaterThanOrEqual(TENANTS);
      expect(calls).toBeLessThanOrEqual(TENANTS + 5);
    }
  }, 180_000);

  it('hold a tenant to its budget in aggregate, not three budgets', async () => {
    // /limited allows a burst of 10 and one more request a minute.
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        instances[i % instances.length]?.request('/limited/connection', 'tenant-limited'),
      ),
    );
    const allowed = answers.filter((answer) => answer?.status === 200).length;
    expect(allowed).toBeGreaterThanOrEqual(10);
    expect(allowed).toBeLessThanOrEqual(11);
    expect(answers.filter((answer) => answer?.status === 429).length).toBe(60 - allowed);
  }, 60_000);

  it('carry on when one is killed (kill -9) in the middle of a check it holds', async () => {
    const [victim, ...survivors] = instances;
    if (!victim) throw new Error('no instances');
    const account = '300000000000';
    const created = await victim.request('/api/sessions', 'tenant-kill', { accountId: account });
    const sessionId = (created.body.session as { sessionId: string }).sessionId;
    verifier.hold(account);
    const victimCalled = verifier.nextCall(account);

    const victimCheck = victim
      .request(`/api/sessions/${sessionId}/check`, 'tenant-kill', {})
      .catch((error: unknown) => error);
    expect((await victimCalled).instance).toBe(victim.name);
    const waiting = survivors.map((instance) =>
      instance.request(`/api/sessions/${sessionId}/check`, 'tenant-kill', {}),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stopHandlerInstance(victim, 'SIGKILL');
    verifier.release(account);

    const answers = await Promise.all(waiting);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(await victimCheck).toBeInstanceOf(Error);
    const calls = verifier.calls.filter((call) => call.accountId === account);
    // The victim's call, then one survivor's once the lease (10 s) ran out.
    expect(calls.map((call) => call.instance)).toHaveLength(2);
    expect(survivors.map((s) => s.name)).toContain(calls[1]?.instance);

    // The survivors keep serving.
    const after = await Promise.all(
      survivors.map((instance) => instance.request('/api/connection', tenant(1))),
    );
    expect(after.map((answer) => answer.status)).toEqual([200, 200]);
  }, 60_000);
});
