import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TIMING } from '../../src/machine/timing';
import { CONNECTED } from './fake-backend';
import { type Flow, restore, startFlow, T0, tick, toVerifying } from './harness';

beforeEach(() => vi.useFakeTimers({ now: T0 }));
afterEach(() => vi.useRealTimers());

/** The gaps (ms) between the checks made during the next `ms` of fake time. */
async function gapsOver(flow: Flow, ms: number): Promise<number[]> {
  const at: number[] = [];
  flow.actor.on('verification.attempt', () => at.push(Date.now()));
  await tick(ms);
  return at.slice(1).map((time, i) => time - (at[i] as number));
}

/** Launched at T0 and left hidden until well into the backoff (10 minutes). */
async function hiddenForTenMinutes() {
  const flow = startFlow();
  await toVerifying(flow);
  flow.send({ type: 'PAGE.HIDDEN' });
  await tick(600_000);
  return flow;
}

describe('while the page is watched', () => {
  it('PAGE.VISIBLE checks at once, then every visibleIntervalMs instead of the backoff', async () => {
    const flow = await hiddenForTenMinutes();
    const before = flow.count('checkConnection');
    flow.send({ type: 'PAGE.VISIBLE' });
    await tick();
    expect(flow.count('checkConnection')).toBe(before + 1);
    expect(await gapsOver(flow, 30_000)).toEqual(Array(9).fill(3_000));
  });

  it('PAGE.HIDDEN goes back to the backoff, where it left off', async () => {
    const flow = await hiddenForTenMinutes();
    const step = flow.snapshot.context.backoffStep;
    flow.send({ type: 'PAGE.VISIBLE' });
    await tick(30_000);
    // The short interval does not grow the backoff.
    expect(flow.snapshot.context.backoffStep).toBe(step);
    flow.send({ type: 'PAGE.HIDDEN' });
    expect(flow.snapshot.context.visibleUntil).toBeNull();
    const gaps = await gapsOver(flow, 120_000);
    expect(gaps.slice(1).every((gap) => gap >= 20_000)).toBe(true);
  });

  it('the short interval holds for visibleWindowMs after the last PAGE.VISIBLE, then backs off', async () => {
    const flow = await hiddenForTenMinutes();
    flow.send({ type: 'PAGE.VISIBLE' });
    await tick(200_000);
    // A second signal (focus) extends the window from its own time.
    flow.send({ type: 'PAGE.VISIBLE' });
    expect(flow.snapshot.context.visibleUntil).toBe(Date.now() + DEFAULT_TIMING.visibleWindowMs);
    const watched = await gapsOver(flow, DEFAULT_TIMING.visibleWindowMs - 3_000);
    expect(watched.every((gap) => gap === 3_000)).toBe(true);
    const after = await gapsOver(flow, 120_000);
    expect(after.slice(1).every((gap) => gap >= 20_000)).toBe(true);
  });

  it('a role that becomes assumable while watched is connected within visibleIntervalMs', async () => {
    const assumableAt = T0 + 400_000;
    const flow = startFlow({
      script: {
        checkConnection: () =>
          Date.now() >= assumableAt ? CONNECTED : { status: 'pending', reason: 'not-assumable' },
      },
    });
    await toVerifying(flow);
    flow.send({ type: 'PAGE.HIDDEN' });
    await tick(370_000);
    flow.send({ type: 'PAGE.VISIBLE' });
    let connectedAt = 0;
    flow.actor.on('connected', () => {
      connectedAt = Date.now();
    });
    await tick(60_000);
    expect(connectedAt - assumableAt).toBeGreaterThanOrEqual(0);
    expect(connectedAt - assumableAt).toBeLessThanOrEqual(3_000);
  });

  it('the interval is never shorter than minGapMs', async () => {
    const flow = startFlow({ input: { timing: { visibleIntervalMs: 500, minGapMs: 2_500 } } });
    await toVerifying(flow);
    flow.send({ type: 'PAGE.VISIBLE' });
    expect(await gapsOver(flow, 20_000)).toEqual(Array(8).fill(2_500));
  });

  it('without PAGE.VISIBLE nothing changes: the launch schedule and its backoff', async () => {
    const flow = startFlow();
    await toVerifying(flow);
    const gaps = await gapsOver(flow, 130_000);
    expect(gaps.slice(0, 20)).toEqual(Array(20).fill(DEFAULT_TIMING.intervalMs));
    expect(flow.snapshot.context.visibleUntil).toBeNull();
  });

  it('a restore keeps the window: it is a deadline in context', async () => {
    const flow = await hiddenForTenMinutes();
    flow.send({ type: 'PAGE.VISIBLE' });
    await tick(1_000);
    const restored = restore(flow);
    expect(restored.snapshot.context.visibleUntil).toBe(
      T0 + 600_000 + DEFAULT_TIMING.visibleWindowMs,
    );
    expect(await gapsOver(restored, 30_000)).toEqual(Array(9).fill(3_000));
  });
});

describe('a snapshot saved before PAGE.HIDDEN existed', () => {
  const saved = JSON.parse(
    readFileSync(new URL('./fixtures/v1-verifying.json', import.meta.url), 'utf8'),
  );

  it('restores with the new timing keys at their defaults and nobody known to be watching', () => {
    expect(saved.context.timing.visibleIntervalMs).toBeUndefined();
    const flow = startFlow({ snapshot: saved });
    expect(flow.snapshot.value).toEqual(saved.value);
    expect(flow.snapshot.context.timing).toEqual(DEFAULT_TIMING);
    expect(flow.snapshot.context.visibleUntil).toBeNull();
    expect(flow.snapshot.context.nextCheckAt).toBe(saved.context.nextCheckAt);
  });

  it('polls on from where it was: the next check when it was due, then the old schedule', async () => {
    // Saved 12 s after a launch at T0, with the next check due at 17 s.
    vi.setSystemTime(T0 + 12_000);
    const flow = startFlow({ snapshot: saved });
    await tick(4_999);
    expect(flow.count('checkConnection')).toBe(0);
    await tick(1);
    expect(flow.count('checkConnection')).toBe(1);
    await tick(5_000);
    expect(flow.count('checkConnection')).toBe(2);
  });
});
