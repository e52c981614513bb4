import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../src/rate-limit';

describe('createRateLimiter', () => {
  it('allows the burst, then refills at requestsPerMinute', () => {
    const clock = { now: 0 };
    const limiter = createRateLimiter({ requestsPerMinute: 120, burst: 30 }, () => clock.now);
    for (let i = 0; i < 30; i += 1) expect(limiter.take('t').allowed).toBe(true);
    expect(limiter.take('t')).toEqual({ allowed: false, retryAfterMs: 500 });
    clock.now += 500;
    expect(limiter.take('t').allowed).toBe(true);
    expect(limiter.take('t').allowed).toBe(false);
    clock.now += 60_000;
    for (let i = 0; i < 30; i += 1) expect(limiter.take('t').allowed).toBe(true);
    expect(limiter.take('t').allowed).toBe(false);
  });

  it('never allows more than burst + rate x time, whatever the pattern of requests', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 300 }),
        (perMinute, burst, gaps) => {
          const clock = { now: 0 };
          const limiter = createRateLimiter(
            { requestsPerMinute: perMinute, burst },
            () => clock.now,
          );
          let allowed = 0;
          for (const gap of gaps) {
            clock.now += gap;
            if (limiter.take('t').allowed) allowed += 1;
          }
          expect(allowed).toBeLessThanOrEqual(burst + Math.floor((clock.now * perMinute) / 60_000));
        },
      ),
    );
  });

  it('does not mint tokens when the clock goes backwards', () => {
    const clock = { now: 1_000_000 };
    const limiter = createRateLimiter({ requestsPerMinute: 60, burst: 1 }, () => clock.now);
    expect(limiter.take('t').allowed).toBe(true);
    clock.now -= 500_000;
    expect(limiter.take('t').allowed).toBe(false);
  });

  it('falls back to the defaults for nonsense options', () => {
    const limiter = createRateLimiter({ requestsPerMinute: -1, burst: Number.NaN }, () => 0);
    let allowed = 0;
    while (limiter.take('t').allowed) allowed += 1;
    expect(allowed).toBe(30);
  });
});
