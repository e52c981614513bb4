import { honouredRetryAfter } from '../backend';
import type { CloudConnectClock, CloudConnectTiming } from './cloud-connect.types';

// Top-level calls are marked pure, so a page that never runs the machine can drop them.

/** The default timing, in milliseconds (the table in docs/machine.md). */
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

/** The longest wait timers run as asked (2^31-1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_DURATION_MS = 2_147_483_647;

/** Whether a value can be a timing entry: a finite number of milliseconds, 0 to `MAX_DURATION_MS`. */
export function isDuration(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_DURATION_MS
  );
}

/**
 * Fills in the defaults for the keys not given. Without overrides it is the frozen
 * `DEFAULT_TIMING` itself, shared by every actor's context.
 * @throws RangeError naming the key when a given value is not a duration (`isDuration`).
 */
export function resolveTiming(overrides?: Partial<CloudConnectTiming>): CloudConnectTiming {
  if (!overrides) return DEFAULT_TIMING;
  const timing = { ...DEFAULT_TIMING };
  for (const key of TIMING_KEYS) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (!isDuration(value)) {
      throw new RangeError(
        `timing.${key} must be a number of milliseconds from 0 to ${MAX_DURATION_MS}; got ${String(value)}.`,
      );
    }
    timing[key] = value;
  }
  return timing;
}

/**
 * The wait before the next verification check. While the page is watched, `visibleIntervalMs`
 * (never below `minGapMs`). Otherwise steady `intervalMs` until `backoffAfterMs` since launch,
 * then `intervalMs * 1.5^backoffStep` with +-20% jitter, never above `maxIntervalMs`. A
 * server's `retryAfterMs` is honoured as a minimum, up to an hour.
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
  return Math.round(Math.max(delay, honouredRetryAfter(retryAfterMs) ?? 0));
}

/** The system clock, resolving the globals at call time so fake timers apply. */
export const systemClock: CloudConnectClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
