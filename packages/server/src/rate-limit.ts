/** Per-tenant request budget: a token bucket refilled at `requestsPerMinute`, holding up to `burst`. */
export interface RateLimitOptions {
  /** @default 120 */
  requestsPerMinute?: number;
  /** @default 30 */
  burst?: number;
}

/** The verdict on one request: allowed, or refused with how long to wait. */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Decides whether a tenant may make one more request now. */
export interface RateLimiter {
  take(key: string): RateLimitDecision;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const DEFAULT_REQUESTS_PER_MINUTE = 120;
const DEFAULT_BURST = 30;
// Sweep idle buckets every this many calls, so memory follows active tenants only.
const SWEEP_EVERY = 1024;

/**
 * Creates a token-bucket limiter. `now` is injectable so tests drive the clock.
 *
 * @example
 * const limiter = createRateLimiter({ requestsPerMinute: 60, burst: 10 });
 * if (!limiter.take(tenantId).allowed) answer429();
 */
export function createRateLimiter(
  options: RateLimitOptions = {},
  now: () => number = Date.now,
): RateLimiter {
  const { requestsPerMinute, burst } = rateLimitBudget(options);
  const tokensPerMs = requestsPerMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  let calls = 0;

  function refill(bucket: Bucket, at: number): void {
    // A clock that goes backwards must not mint tokens or take them away.
    const elapsed = Math.max(0, at - bucket.updatedAt);
    bucket.tokens = Math.min(burst, bucket.tokens + elapsed * tokensPerMs);
    bucket.updatedAt = Math.max(bucket.updatedAt, at);
  }

  function sweep(at: number): void {
    for (const [key, bucket] of buckets) {
      refill(bucket, at);
      if (bucket.tokens >= burst) buckets.delete(key);
    }
  }

  return {
    take(key) {
      const at = now();
      calls += 1;
      if (calls % SWEEP_EVERY === 0) sweep(at);
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = { tokens: burst, updatedAt: at };
        buckets.set(key, bucket);
      }
      refill(bucket, at);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / tokensPerMs) };
    },
  };
}

/** The budget `options` ask for, defaults filled in (a value that is not a positive number takes the default). */
export function rateLimitBudget(options: RateLimitOptions = {}): Required<RateLimitOptions> {
  return {
    requestsPerMinute: positive(options.requestsPerMinute, DEFAULT_REQUESTS_PER_MINUTE),
    burst: positive(options.burst, DEFAULT_BURST),
  };
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
