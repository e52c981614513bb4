import type { CloudConnectClock, CloudConnectTiming } from './cloud-connect.types';

// Top-level calls are marked pure, so a page that never runs the machine can drop them.

/** The defaults of DESIGN.md's timing table, in milliseconds. */
export const DEFAULT_TIMING: Readonly<CloudConnectTiming> = /* @__PURE__ */ Object.freeze({
  firstCheckMs: 10_000,
  intervalMs: 5_000,
  backoffAfterMs: 120_000,
  maxIntervalMs: 30_000,
  minGapMs: 2_000,
  slowAfterMs: 300_000,
  timeoutMs: 1_800_000,
  revocationIntervalMs: 5_000,
  healthIntervalMs: 0,
  visibleIntervalMs: 3_000,
  visibleWindowMs: 300_000,
});

const BACKOFF_FACTOR = 1.5;
const JITTER = 0.2;

/** The timing keys, in a stable order. */
export const TIMING_KEYS = /* @__PURE__ */ Object.keys(
  DEFAULT_TIMING,
) as (keyof CloudConnectTiming)[];

/** Whether a value can be a timing entry: a finite, non-negative number of milliseconds. */
export function isDuration(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Fills in the defaults; a key that is not a duration (`isDuration`) keeps its default. Without
 * overrides it is the frozen `DEFAULT_TIMING` itself, shared by every actor's context.
 */
export function resolveTiming(overrides?: Partial<CloudConnectTiming>): CloudConnectTiming {
  if (!overrides) return DEFAULT_TIMING;
  const timing = { ...DEFAULT_TIMING };
  for (const key of TIMING_KEYS) {
    const value = overrides[key];
    if (isDuration(value)) timing[key] = value;
  }
  return timing;
}

/**
 * The wait before the next verification check. While the page is watched, `visibleIntervalMs`
 * (never below `minGapMs`). Otherwise steady `intervalMs` until `backoffAfterMs` since launch,
 * then `intervalMs * 1.5^backoffStep` with +-20% jitter, never above `maxIntervalMs`. A
 * server's `retryAfterMs` is honoured as a minimum.
 */
export function nextCheckDelay(options: {
  timing: CloudConnectTiming;
  elapsedMs: number;
  backoffStep: number;
  random: number;
  retryAfterMs?: number | undefined;
  /** Whether someone is looking at the page (see `CloudConnectContext.visibleUntil`). */
  visible?: boolean;
}): number {
  const { timing, elapsedMs, backoffStep, random, retryAfterMs } = options;
  let delay = timing.intervalMs;
  if (options.visible) {
    delay = Math.max(timing.visibleIntervalMs, timing.minGapMs);
  } else if (elapsedMs >= timing.backoffAfterMs) {
    const grown = timing.intervalMs * BACKOFF_FACTOR ** backoffStep;
    delay = Math.min(timing.maxIntervalMs, grown * (1 - JITTER + 2 * JITTER * random));
  }
  return Math.round(Math.max(delay, retryAfterMs ?? 0));
}

/** The system clock, resolving the globals at call time so fake timers apply. */
export const systemClock: CloudConnectClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
