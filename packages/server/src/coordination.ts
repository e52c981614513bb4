import {
  createRateLimiter,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitOptions,
} from './rate-limit';
import { createSingleFlight } from './single-flight';

/**
 * What handler instances agree on between them: which instance runs a shared AWS check, and how
 * much of a tenant's request budget is left. The default, {@link createInProcessCoordination},
 * covers one process; several instances behind a load balancer share one through a database
 * (`createPostgresCoordination` from `@porter/cloud-connect-server/postgres`).
 */
export interface Coordination {
  /**
   * Runs `call` once for everyone asking for `key` while it is in flight, and gives each caller
   * its result. The call's signal aborts only when every caller has aborted; a caller whose
   * `signal` aborts stops waiting at once. A coordination shared between processes hands the
   * result to other processes, so it must be plain JSON.
   */
  singleFlight<T>(
    key: string,
    call: (signal: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T>;
  /** Takes one request from `key`'s token bucket, which holds `budget.burst` and refills at `budget.requestsPerMinute`. */
  takeToken(key: string, budget: RateLimitOptions | undefined): Promise<RateLimitDecision>;
}

/** Options of {@link createInProcessCoordination}. */
export interface InProcessCoordinationOptions {
  /** The clock of the token buckets. @default Date.now */
  now?: () => number;
}

/**
 * The handler's default {@link Coordination}: checks are shared and budgets kept in this
 * process's memory, which is right for one instance. With N instances each keeps its own, so
 * use a shared coordination there.
 */
export function createInProcessCoordination(
  options: InProcessCoordinationOptions = {},
): Coordination {
  const now = options.now ?? Date.now;
  const flights = createSingleFlight<unknown>();
  // One limiter per budget: a handler always passes the same one, so this holds one entry.
  const limiters = new Map<string, RateLimiter>();
  return {
    singleFlight<T>(key: string, call: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal) {
      return flights.run(key, call, signal) as Promise<T>;
    },
    async takeToken(key, budget) {
      const id = `${budget?.requestsPerMinute}/${budget?.burst}`;
      let limiter = limiters.get(id);
      if (!limiter) {
        limiter = createRateLimiter(budget, now);
        limiters.set(id, limiter);
      }
      return limiter.take(key);
    },
  };
}
