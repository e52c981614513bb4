import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING, nextCheckDelay, resolveTiming } from '../../src/machine/timing';

describe('timing', () => {
  it('has the defaults of the design table', () => {
    expect(DEFAULT_TIMING).toEqual({
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
  });

  it('input.timing overrides any key; a value that is not a timer duration is a RangeError naming it', () => {
    expect(resolveTiming({ intervalMs: 1_000, healthIntervalMs: 60_000 })).toMatchObject({
      intervalMs: 1_000,
      healthIntervalMs: 60_000,
      firstCheckMs: 10_000,
    });
    expect(resolveTiming({ timeoutMs: 2 ** 31 - 1, minGapMs: 0 })).toMatchObject({
      timeoutMs: 2 ** 31 - 1,
      minGapMs: 0,
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(DEFAULT_TIMING) as (keyof typeof DEFAULT_TIMING)[])),
        fc.oneof(
          fc.double().filter((v) => !(v >= 0 && v <= 2 ** 31 - 1)),
          fc.string(),
          fc.constant(null),
        ),
        (key, value) => {
          expect(() => resolveTiming({ [key]: value } as never)).toThrow(
            new RegExp(`^timing\\.${key} must be a number of milliseconds from 0 to 2147483647`),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('before backoffAfterMs the interval is steady; after it, within +-20% of x1.5 per step and never above the ceiling', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 2_000_000 }),
        fc.nat({ max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (elapsedMs, backoffStep, random) => {
          const delay = nextCheckDelay({ timing: DEFAULT_TIMING, elapsedMs, backoffStep, random });
          if (elapsedMs < DEFAULT_TIMING.backoffAfterMs) {
            expect(delay).toBe(DEFAULT_TIMING.intervalMs);
            return;
          }
          const grown = DEFAULT_TIMING.intervalMs * 1.5 ** backoffStep;
          expect(delay).toBeLessThanOrEqual(DEFAULT_TIMING.maxIntervalMs);
          expect(delay).toBeGreaterThanOrEqual(
            Math.min(grown, DEFAULT_TIMING.maxIntervalMs) * 0.8 - 1,
          );
          expect(delay).toBeLessThanOrEqual(grown * 1.2 + 1);
        },
      ),
    );
  });

  it('while the page is watched the interval is visibleIntervalMs, never below minGapMs nor a retryAfterMs', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 60_000 }),
        fc.nat({ max: 60_000 }),
        fc.nat({ max: 2_000_000 }),
        fc.nat({ max: 40 }),
        fc.option(fc.nat({ max: 600_000 }), { nil: undefined }),
        (visibleIntervalMs, minGapMs, elapsedMs, backoffStep, retryAfterMs) => {
          const timing = { ...DEFAULT_TIMING, visibleIntervalMs, minGapMs };
          const delay = nextCheckDelay({
            timing,
            elapsedMs,
            backoffStep,
            random: 0.5,
            retryAfterMs,
            visible: true,
          });
          expect(delay).toBe(Math.max(visibleIntervalMs, minGapMs, retryAfterMs ?? 0));
        },
      ),
    );
  });

  it("a server's retryAfterMs is a floor, up to an hour", () => {
    for (const retryAfterMs of [3e9, Number.POSITIVE_INFINITY]) {
      const delay = nextCheckDelay({
        timing: DEFAULT_TIMING,
        elapsedMs: 0,
        backoffStep: 0,
        random: 0.5,
        retryAfterMs,
      });
      expect(delay).toBe(retryAfterMs === 3e9 ? 3_600_000 : DEFAULT_TIMING.intervalMs);
    }

    fc.assert(
      fc.property(
        fc.nat({ max: 600_000 }),
        fc.nat({ max: 2_000_000 }),
        (retryAfterMs, elapsedMs) => {
          const delay = nextCheckDelay({
            timing: DEFAULT_TIMING,
            elapsedMs,
            backoffStep: 0,
            random: 0.5,
            retryAfterMs,
          });
          expect(delay).toBeGreaterThanOrEqual(retryAfterMs);
        },
      ),
    );
  });
});
