// Benchmark: what stack events change for the user, events on vs off in the same run, against
// the sandbox (its SNS delivering to the real handler over HTTP) with core's machine polling
// through createHttpBackend. Timings are scaled down (machine: first check 2 s, then every 1 s,
// TIMED_OUT after 10 s; sandbox: stack 1 s, IAM propagation 2 s), so the figures are seconds
// where production's are minutes. Prints figures only (no pass/fail).
// Run: pnpm --filter @porter/cloud-connect-server bench:stack-events
import { performance } from 'node:perf_hooks';
import { startStackEventsWorld } from '../test/support/stack-events-world';

const ROUNDS = 2;
const SANDBOX_TIMING = { stackCreateMs: 1000, propagationMs: 2000, stackDeleteMs: 1000 };
const MACHINE_TIMING = { firstCheckMs: 2000, intervalMs: 1000, minGapMs: 500, timeoutMs: 10_000 };

interface Figures {
  /** From the rollback's start to the failure the user sees (STACK_FAILED or TIMED_OUT). */
  rollbackToFailureMs: number;
  failureCode: string;
  /** From the role's creation to the server recording it connected. */
  roleToRecordedMs: number;
  /** From the role's creation to the user seeing connected. */
  roleToConnectedMs: number;
}

async function rollbackRound(events: boolean): Promise<{ ms: number; code: string }> {
  const world = await startStackEventsWorld({
    events,
    scenario: 'rollback',
    sandboxTiming: SANDBOX_TIMING,
    machineTiming: MACHINE_TIMING,
  });
  try {
    const flow = await world.launch();
    for (;;) {
      const code = flow.actor.getSnapshot().context.error?.code;
      if (code) return { ms: flow.elapsedMs() - SANDBOX_TIMING.stackCreateMs, code };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await world.close();
  }
}

async function connectRound(events: boolean): Promise<{ recordedMs: number; connectedMs: number }> {
  const world = await startStackEventsWorld({
    events,
    sandboxTiming: SANDBOX_TIMING,
    machineTiming: MACHINE_TIMING,
  });
  try {
    const flow = await world.launch();
    let recordedMs: number | undefined;
    let connectedMs: number | undefined;
    while (recordedMs === undefined || connectedMs === undefined) {
      if (recordedMs === undefined) {
        const record = await world.store.findBySession('tenant-a', flow.session.sessionId);
        if (record?.status === 'connected') recordedMs = flow.elapsedMs();
      }
      if (connectedMs === undefined && flow.actor.getSnapshot().context.connection)
        connectedMs = flow.elapsedMs();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return {
      recordedMs: recordedMs - SANDBOX_TIMING.stackCreateMs,
      connectedMs: connectedMs - SANDBOX_TIMING.stackCreateMs,
    };
  } finally {
    await world.close();
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function measure(events: boolean): Promise<Figures> {
  const rollbacks: Array<{ ms: number; code: string }> = [];
  const connects: Array<{ recordedMs: number; connectedMs: number }> = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    rollbacks.push(await rollbackRound(events));
    connects.push(await connectRound(events));
  }
  return {
    rollbackToFailureMs: median(rollbacks.map((r) => r.ms)),
    failureCode: [...new Set(rollbacks.map((r) => r.code))].join('/'),
    roleToRecordedMs: median(connects.map((c) => c.recordedMs)),
    roleToConnectedMs: median(connects.map((c) => c.connectedMs)),
  };
}

const started = performance.now();
const off = await measure(false);
const on = await measure(true);
const row = (label: string, offMs: number, onMs: number) =>
  `${label.padEnd(44)} ${offMs.toFixed(0).padStart(8)} ${onMs.toFixed(0).padStart(8)} ${(onMs / offMs).toFixed(2).padStart(7)}`;
console.log(`stack events, median of ${ROUNDS} rounds (ms; ratio = on / off)`);
console.log(`${''.padEnd(44)} ${'off'.padStart(8)} ${'on'.padStart(8)} ${'ratio'.padStart(7)}`);
console.log(
  row(
    `rollback -> user sees ${off.failureCode} / ${on.failureCode}`,
    off.rollbackToFailureMs,
    on.rollbackToFailureMs,
  ),
);
console.log(
  row('role created -> server records connected', off.roleToRecordedMs, on.roleToRecordedMs),
);
console.log(
  row('role created -> user sees connected', off.roleToConnectedMs, on.roleToConnectedMs),
);
console.log(
  `(IAM propagation ${SANDBOX_TIMING.propagationMs} ms; run took ${((performance.now() - started) / 1000).toFixed(1)} s)`,
);
