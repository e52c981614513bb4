import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Coordination } from './coordination';
import { openPool, type PostgresConnectionOptions, translatePostgresError } from './postgres-pool';
import { type RateLimitDecision, rateLimitBudget } from './rate-limit';
import { createSingleFlight } from './single-flight';

/** Timings of {@link createPostgresCoordination}. */
export interface PostgresCoordinationTimings {
  /**
   * How long a check's lease lasts. The instance running the check renews it while the check
   * runs; an instance that dies holding it blocks the session's other checks this long at most.
   * @default 10000
   */
  leaseMs?: number;
  /**
   * How long a finished check's result answers checks of the same session that arrive just after
   * it (from any instance), so requests spread over a load balancer still share one AWS call.
   * @default 2000
   */
  resultTtlMs?: number;
  /**
   * The longest a waiting instance sleeps between looks at a lease, in case a notification
   * (LISTEN/NOTIFY) is lost. @default 500
   */
  pollMs?: number;
}

/** Options of {@link createPostgresCoordination}. */
export type PostgresCoordinationOptions = PostgresConnectionOptions & PostgresCoordinationTimings;

/** A {@link Coordination} in PostgreSQL; `close()` releases its listening connection. */
export interface PostgresCoordination extends Coordination {
  close(): Promise<void>;
}

const CHANNEL = 'cloud_connect_flights';

// Takes the lease when it is free (never taken, expired, or its result too old to reuse);
// otherwise reads the row, so one round trip answers "run it", "here is the result" or "wait".
const ACQUIRE = `WITH acquired AS (
    INSERT INTO cloud_connect_flights AS f (key, holder, lease_until)
    VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
    ON CONFLICT (key) DO UPDATE
      SET holder = EXCLUDED.holder, lease_until = EXCLUDED.lease_until,
        result = NULL, result_until = NULL
      WHERE f.lease_until <= clock_timestamp()
        AND (f.result_until IS NULL OR f.result_until <= clock_timestamp())
    RETURNING 1
  )
  SELECT 'acquired' AS state, NULL AS result, '0' AS wait_ms
  FROM acquired
  UNION ALL
  SELECT CASE WHEN result_until > clock_timestamp() THEN 'done' ELSE 'held' END, result::text,
    (EXTRACT(EPOCH FROM lease_until - clock_timestamp()) * 1000)::text
  FROM cloud_connect_flights
  WHERE key = $1 AND NOT EXISTS (SELECT 1 FROM acquired)`;
const RENEW = `UPDATE cloud_connect_flights
  SET lease_until = clock_timestamp() + $3 * interval '1 millisecond'
  WHERE key = $1 AND holder = $2`;
const PUBLISH = `WITH published AS (
    UPDATE cloud_connect_flights
    SET lease_until = clock_timestamp(), result = $3::jsonb,
      result_until = clock_timestamp() + $4 * interval '1 millisecond'
    WHERE key = $1 AND holder = $2
    RETURNING key
  )
  SELECT pg_notify('${CHANNEL}', md5(key)) FROM published`;
const RELEASE = `WITH released AS (
    UPDATE cloud_connect_flights SET lease_until = clock_timestamp()
    WHERE key = $1 AND holder = $2
    RETURNING key
  )
  SELECT pg_notify('${CHANNEL}', md5(key)) FROM released`;

// Refills by the time since the last take and takes one token when one is there; a refusal
// changes nothing, so it returns no row. statement_timestamp() is the database's clock, which
// every instance shares. full_at (when the bucket is full again) lets the sweep forget it.
const TAKE = `INSERT INTO cloud_connect_rate_buckets AS b (key, tokens, updated_at, full_at)
  SELECT $1, $2::float8 - 1, statement_timestamp(),
    statement_timestamp() + (1 / $3::float8) * interval '1 millisecond'
  WHERE $2::float8 >= 1
  ON CONFLICT (key) DO UPDATE
    SET tokens = LEAST($2::float8, b.tokens + GREATEST(0,
          EXTRACT(EPOCH FROM statement_timestamp() - b.updated_at)::float8 * 1000) * $3::float8) - 1,
      updated_at = GREATEST(b.updated_at, statement_timestamp()),
      full_at = GREATEST(b.updated_at, statement_timestamp()) + ($2::float8 - (LEAST($2::float8,
          b.tokens + GREATEST(0, EXTRACT(EPOCH FROM statement_timestamp() - b.updated_at)::float8
          * 1000) * $3::float8) - 1)) / $3::float8 * interval '1 millisecond'
    WHERE LEAST($2::float8, b.tokens + GREATEST(0,
        EXTRACT(EPOCH FROM statement_timestamp() - b.updated_at)::float8 * 1000) * $3::float8) >= 1
  RETURNING 1`;
const TOKENS = `SELECT LEAST($2::float8, tokens + GREATEST(0,
    EXTRACT(EPOCH FROM statement_timestamp() - updated_at)::float8 * 1000) * $3::float8)::text AS tokens
  FROM cloud_connect_rate_buckets WHERE key = $1`;
const SWEEP = `WITH buckets AS (
    DELETE FROM cloud_connect_rate_buckets WHERE full_at < statement_timestamp()
  )
  DELETE FROM cloud_connect_flights
  WHERE lease_until < statement_timestamp() - interval '1 minute'
    AND (result_until IS NULL OR result_until < statement_timestamp() - interval '1 minute')`;
// Forget full buckets and old flights every this many token takes, so the tables follow active tenants.
const SWEEP_EVERY = 1024;

// Columns are text, parsed here, so a host pool's own type parsers cannot change them.
interface AcquireRow {
  state: 'acquired' | 'done' | 'held';
  result: string | null;
  wait_ms: string;
}

/**
 * Coordination of several handler instances through PostgreSQL (the tables of
 * `createPostgresStore(...).migrate()`):
 * - one check per session runs at a time across all instances: a lease row names the instance
 *   running it; the others wait (LISTEN/NOTIFY, with polling as a fallback) and take its result,
 *   which also answers checks arriving within `resultTtlMs` after it;
 * - each tenant's token bucket is one row, refilled and taken in one atomic statement.
 *
 * An instance that dies holding a lease delays that session's checks until the lease runs out
 * (`leaseMs`). A check that throws releases its lease without a result, and a waiting instance
 * runs the check itself. Timestamps come from the database's clock, so instances with skewed
 * clocks still agree.
 *
 * @example
 * const coordination = createPostgresCoordination({ pool });
 * const handler = createCloudConnectHandler({ store, coordination, ... });
 */
export function createPostgresCoordination(
  options: PostgresCoordinationOptions,
): PostgresCoordination {
  const { pool, owned } = openPool(options);
  const leaseMs = positiveOr(options.leaseMs, 10_000);
  const resultTtlMs = positiveOr(options.resultTtlMs, 2000);
  const pollMs = positiveOr(options.pollMs, 500);
  const instance = randomUUID();
  // Checks of one key in this process share one flight before asking the database.
  const local = createSingleFlight<unknown>();
  const listener = createListener(pool);
  let takes = 0;
  let closed = false;

  async function query<R extends pg.QueryResultRow>(
    name: string,
    text: string,
    values: unknown[],
  ): Promise<R[]> {
    if (closed) throw new Error('The PostgreSQL coordination is closed.');
    try {
      return (await pool.query<R>({ name, text, values })).rows;
    } catch (error) {
      throw translatePostgresError(error);
    }
  }

  async function acrossInstances<T>(
    key: string,
    call: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    // JSON keeps any key valid as text (no NUL) and unambiguous; md5 names it in notifications.
    const dbKey = JSON.stringify(key);
    const hash = createHash('md5').update(dbKey).digest('hex');
    for (;;) {
      signal.throwIfAborted();
      // Listen before looking, so a result published between the look and the wait still wakes us.
      const wake = listener.expect(hash);
      const holder = `${instance}:${randomUUID()}`;
      let row: AcquireRow | undefined;
      try {
        [row] = await query<AcquireRow>('cloud_connect_acquire', ACQUIRE, [dbKey, holder, leaseMs]);
      } catch (error) {
        wake.cancel();
        throw error;
      }
      if (row?.state === 'acquired') {
        wake.cancel();
        return runHolding(dbKey, holder, call, signal);
      }
      if (row?.state === 'done' && row.result !== null) {
        wake.cancel();
        return JSON.parse(row.result) as T;
      }
      // No row: it changed after this statement's snapshot; look again at once.
      const waitMs = row ? Math.min(pollMs, Math.max(0, Math.ceil(Number(row.wait_ms)))) : 0;
      await wake.wait(waitMs, signal);
    }
  }

  async function runHolding<T>(
    dbKey: string,
    holder: string,
    call: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    // A failed renewal is not the check's failure: at worst the lease lapses and another
    // instance runs the same check once more.
    const renewal = setInterval(() => {
      query('cloud_connect_renew', RENEW, [dbKey, holder, leaseMs]).catch(() => {});
    }, leaseMs / 3);
    let result: T;
    try {
      result = await call(signal);
    } catch (error) {
      clearInterval(renewal);
      // Waiters run the check themselves; if the release fails, the lease runs out instead.
      await query('cloud_connect_release', RELEASE, [dbKey, holder]).catch(() => {});
      throw error;
    }
    clearInterval(renewal);
    // The verdict stands even if it cannot be shared: this instance's callers get it, and the
    // others run the check again once the lease runs out.
    await query('cloud_connect_publish', PUBLISH, [
      dbKey,
      holder,
      JSON.stringify(result),
      resultTtlMs,
    ]).catch(() => {});
    return result;
  }

  return {
    singleFlight<T>(key: string, call: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal) {
      return local.run(key, (shared) => acrossInstances(key, call, shared), signal) as Promise<T>;
    },
    async takeToken(key, budget) {
      const { requestsPerMinute, burst } = rateLimitBudget(budget);
      const tokensPerMs = requestsPerMinute / 60_000;
      const dbKey = JSON.stringify(key);
      takes += 1;
      if (takes % SWEEP_EVERY === 0) {
        // Housekeeping only: a failed sweep leaves rows for the next one.
        query('cloud_connect_sweep', SWEEP, []).catch(() => {});
      }
      const taken = await query('cloud_connect_take', TAKE, [dbKey, burst, tokensPerMs]);
      if (taken.length > 0) return { allowed: true };
      const [row] = await query<{ tokens: string }>('cloud_connect_tokens', TOKENS, [
        dbKey,
        burst,
        tokensPerMs,
      ]);
      const tokens = row ? Number(row.tokens) : burst;
      return {
        allowed: false,
        retryAfterMs: Math.max(1, Math.ceil((1 - tokens) / tokensPerMs)),
      } satisfies RateLimitDecision;
    },
    async close() {
      if (closed) return;
      closed = true;
      await listener.close();
      if (owned) await pool.end();
    },
  };
}

interface Wake {
  /** Resolves on a notification for the key (also one that came before this call), after `ms`, or rejects on abort. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
  cancel(): void;
}

interface Listener {
  expect(hash: string): Wake;
  close(): Promise<void>;
}

// One connection per process LISTENs for finished flights and wakes the local waiters of a key.
// When it drops, waiters fall back to polling and the next wait connects again.
function createListener(pool: pg.Pool): Listener {
  const expected = new Map<string, Set<() => void>>();
  let client: Promise<{ connection: pg.PoolClient; drop: () => void } | null> | null = null;
  let closed = false;

  function notify(hash: string): void {
    for (const wake of expected.get(hash) ?? []) wake();
  }

  function connect(): void {
    if (client || closed) return;
    client = (async () => {
      const connection = await pool.connect();
      let released = false;
      const drop = () => {
        client = null;
        if (released) return;
        released = true;
        connection.release(true);
      };
      // A listening connection that breaks is dropped; errors after that have nobody to tell.
      connection.on('error', drop);
      connection.on('notification', (message) => {
        if (message.payload) notify(message.payload);
      });
      try {
        await connection.query(`LISTEN ${CHANNEL}`);
      } catch {
        drop();
        return null;
      }
      return { connection, drop };
    })().catch(() => {
      // The database is away: polling covers the wait, and a query reports the outage.
      client = null;
      return null;
    });
  }

  return {
    expect(hash) {
      connect();
      let woken = false;
      let resolveWait: (() => void) | null = null;
      const onWake = () => {
        woken = true;
        resolveWait?.();
      };
      const set = expected.get(hash) ?? new Set();
      set.add(onWake);
      expected.set(hash, set);
      const cancel = () => {
        set.delete(onWake);
        if (set.size === 0 && expected.get(hash) === set) expected.delete(hash);
      };
      return {
        cancel,
        wait(ms, signal) {
          return new Promise<void>((resolve, reject) => {
            const finish = () => {
              clearTimeout(timer);
              signal.removeEventListener('abort', onAbort);
              cancel();
              resolve();
            };
            const onAbort = () => {
              clearTimeout(timer);
              cancel();
              reject(signal.reason);
            };
            const timer = setTimeout(finish, ms);
            if (woken) return finish();
            resolveWait = finish;
            signal.addEventListener('abort', onAbort, { once: true });
          });
        },
      };
    },
    async close() {
      closed = true;
      const listening = await client;
      listening?.drop();
    },
  };
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
