// Two coordinations with pools of their own stand for two instances on one database.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  createPostgresCoordination,
  type PostgresCoordination,
  type PostgresCoordinationTimings,
} from '../src/postgres-coordination';
import { createPostgresStore } from '../src/stores/postgres-store';
import { deferred, harness } from './support/handler-harness';
import { createDatabase } from './support/postgres-server';

let url: string;
let opened: { close(): Promise<void> }[] = [];

beforeEach(async () => {
  url = await createDatabase(inject('postgresUrl'));
  const store = createPostgresStore({ connectionString: url });
  await store.migrate();
  await store.close();
});

afterEach(async () => {
  await Promise.all(opened.map((item) => item.close()));
  opened = [];
});

function instance(timings: PostgresCoordinationTimings = {}): PostgresCoordination {
  const coordination = createPostgresCoordination({ connectionString: url, ...timings });
  opened.push(coordination);
  return coordination;
}

/** A pool of the test's own on the database, to read and write its tables directly. */
function openPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: url });
  opened.push({ close: () => pool.end() });
  return pool;
}

/** Resolves once some instance holds a live lease on `key`: it started the check. */
async function leaseTaken(key: string): Promise<void> {
  const pool = openPool();
  const held = async () =>
    (
      await pool.query(
        'SELECT 1 FROM cloud_connect_flights WHERE key = $1 AND lease_until > clock_timestamp()',
        [JSON.stringify(key)],
      )
    ).rowCount;
  await expect.poll(held, { timeout: 10_000 }).toBe(1);
}

describe('createPostgresCoordination singleFlight', () => {
  it('runs one call for a key across instances and hands every caller its result', async () => {
    const [a, b] = [instance(), instance()];
    const answer = deferred<{ status: string }>();
    let calls = 0;
    const call = () => {
      calls += 1;
      return answer.promise;
    };
    const results = Promise.all([
      a.singleFlight('session-1', call),
      a.singleFlight('session-1', call),
      b.singleFlight('session-1', call),
      b.singleFlight('session-1', call),
    ]);
    // Let b reach the database and find a's lease before the answer comes.
    await new Promise((resolve) => setTimeout(resolve, 300));
    answer.resolve({ status: 'connected' });
    expect(await results).toEqual(Array(4).fill({ status: 'connected' }));
    expect(calls).toBe(1);
  });

  it('answers a check arriving just after another finished with its result, and runs a new one once that is too old', async () => {
    const [a, b] = [instance({ resultTtlMs: 500 }), instance({ resultTtlMs: 500 })];
    let calls = 0;
    const call = async () => {
      calls += 1;
      return calls;
    };
    expect(await a.singleFlight('session-1', call)).toBe(1);
    expect(await b.singleFlight('session-1', call)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await b.singleFlight('session-1', call)).toBe(2);
  });

  it('keeps keys apart, whatever characters they hold', async () => {
    const a = instance();
    const keys = ['x\u0000y', 'x', 'x\u0000', 'it\'s "quoted"', 'ü'.repeat(2000)];
    const results = await Promise.all(keys.map((key) => a.singleFlight(key, async () => key)));
    expect(results).toEqual(keys);
  });

  it('lets a waiting instance run the check itself when the holder fails', async () => {
    const [a, b] = [instance(), instance()];
    const failure = deferred<string>();
    const first = a.singleFlight('session-1', () => failure.promise);
    await leaseTaken('session-1');
    const second = b.singleFlight('session-1', async () => 'from b');
    failure.reject(new Error('AWS said no'));
    await expect(first).rejects.toThrow('AWS said no');
    expect(await second).toBe('from b');
  });

  it('takes over a lease whose holder vanished once the lease runs out', async () => {
    const pool = openPool();
    // A holder that died mid-check: its lease row stays until it expires.
    await pool.query(
      `INSERT INTO cloud_connect_flights (key, holder, lease_until)
       VALUES ($1, 'dead-instance', clock_timestamp() + interval '800 milliseconds')`,
      [JSON.stringify('session-1')],
    );
    const a = instance({ pollMs: 100 });
    let calls = 0;
    const result = await a.singleFlight('session-1', async () => {
      calls += 1;
      return 'after the lease';
    });
    expect(result).toBe('after the lease');
    expect(calls).toBe(1);
    const { rows } = await pool.query('SELECT holder FROM cloud_connect_flights');
    expect(rows[0]?.holder).not.toBe('dead-instance');
  });

  it('renews the lease of a check that outlasts it, so no other instance starts the same check', async () => {
    // Renewed every 500 ms: only a stall of a second would let it lapse, even on a busy machine.
    const leaseMs = 1500;
    const [a, b] = [instance({ leaseMs }), instance({ leaseMs })];
    const answer = deferred<string>();
    let calls = 0;
    const first = a.singleFlight('session-1', () => {
      calls += 1;
      return answer.promise;
    });
    await leaseTaken('session-1');
    const second = b.singleFlight('session-1', async () => {
      calls += 1;
      return 'duplicate';
    });
    // Three leases long: without renewal b would take over and run the check again.
    await new Promise((resolve) => setTimeout(resolve, 3 * leaseMs));
    answer.resolve('only one');
    expect(await Promise.all([first, second])).toEqual(['only one', 'only one']);
    expect(calls).toBe(1);
  });

  it('stops waiting when the caller aborts', async () => {
    const [a, b] = [instance(), instance()];
    const answer = deferred<string>();
    const held = a.singleFlight('session-1', () => answer.promise);
    await leaseTaken('session-1');
    const controller = new AbortController();
    const waiting = b.singleFlight('session-1', async () => 'never', controller.signal);
    controller.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    answer.resolve('done');
    expect(await held).toBe('done');
  });
});

describe('createPostgresCoordination takeToken', () => {
  it('holds a tenant to one budget across instances', async () => {
    const [a, b] = [instance(), instance()];
    const budget = { requestsPerMinute: 1, burst: 5 };
    const decisions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).takeToken('tenant-a', budget)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    const refused = decisions.find((d) => !d.allowed);
    // One token a minute: the next one is up to a minute away.
    expect(refused).toMatchObject({ allowed: false });
    if (refused && !refused.allowed) {
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    expect(await a.takeToken('tenant-b', budget)).toEqual({ allowed: true });
  });

  it('refills with time', async () => {
    const a = instance();
    const budget = { requestsPerMinute: 600, burst: 1 };
    expect(await a.takeToken('tenant-a', budget)).toEqual({ allowed: true });
    const refused = await a.takeToken('tenant-a', budget);
    expect(refused.allowed).toBe(false);
    await new Promise((resolve) =>
      setTimeout(resolve, refused.allowed ? 0 : refused.retryAfterMs + 50),
    );
    expect(await a.takeToken('tenant-a', budget)).toEqual({ allowed: true });
  });

  it('forgets full buckets and old checks as it goes (every 1,024 takes)', async () => {
    const pool = openPool();
    await pool.query(
      `INSERT INTO cloud_connect_flights (key, holder, lease_until, result, result_until)
       VALUES ('"old"', 'gone', now() - interval '1 hour', '{}', now() - interval '1 hour'),
              ('"recent"', 'here', now() + interval '1 minute', NULL, NULL)`,
    );
    const a = instance();
    // A bucket full again a millisecond after its take, and one that stays spent for a minute.
    await a.takeToken('tenant-idle', { requestsPerMinute: 60_000_000, burst: 1 });
    await a.takeToken('tenant-busy', { requestsPerMinute: 1, burst: 1 });
    for (let i = 2; i < 1024; i += 1) {
      await a.takeToken('tenant-busy', { requestsPerMinute: 1, burst: 1 });
    }
    const keys = async (table: string) =>
      (await pool.query<{ key: string }>(`SELECT key FROM ${table} ORDER BY key`)).rows.map(
        (row) => row.key,
      );
    // The sweep runs beside the 1,024th take, so look until it is done.
    for (
      let attempt = 0;
      attempt < 50 && (await keys('cloud_connect_flights')).length > 1;
      attempt += 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await keys('cloud_connect_flights')).toEqual(['"recent"']);
    expect(await keys('cloud_connect_rate_buckets')).toEqual(['"tenant-busy"']);
  }, 60_000);

  it('answers 429 RATE_LIMITED with Retry-After through the handler', async () => {
    const coordination = instance();
    const h = harness({ coordination, config: { rateLimit: { requestsPerMinute: 1, burst: 2 } } });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await h.json('GET', '/connection', { tenant: 'tenant-a' })).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await h.json('GET', '/connection', { tenant: 'tenant-a' });
    expect(limited.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
