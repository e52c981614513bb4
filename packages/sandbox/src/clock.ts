/**
 * The sandbox's sense of time. Stack progress is computed from timestamps when a request
 * looks at it (no timers), so a manual clock makes every transition deterministic in tests.
 */
export interface SandboxClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** A clock that only moves when told to, for tests that must not wait. */
export interface ManualClock extends SandboxClock {
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Sets the clock to an absolute time (epoch ms). */
  set(epochMs: number): void;
}

/** The wall clock. */
export const systemClock: SandboxClock = { now: () => Date.now() };

/**
 * Creates a clock that starts at `startMs` (default: now) and moves only with `advance`/`set`.
 *
 * @example
 * const clock = createManualClock();
 * const sandbox = await startSandbox({ clock });
 * clock.advance(sandbox.timing.stackCreateMs); // the stack is now CREATE_COMPLETE
 */
export function createManualClock(startMs: number = Date.now()): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance() takes a duration >= 0');
      current += ms;
    },
    set(epochMs) {
      current = epochMs;
    },
  };
}
