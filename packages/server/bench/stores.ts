// Benchmark: store operations on SQLite and PostgreSQL in the same run (p50/p99, PostgreSQL as a
// multiple of SQLite), and AWS verifier calls for 600 concurrent checks on 1 vs 3 instances.
// Prints figures only (no pass/fail). Needs PostgreSQL's binaries (scripts/install-postgres.sh).
// Run: pnpm --filter @porter/cloud-connect-server bench:stores
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ConnectionStore, SessionRecord } from '../src/stores/connection-store';
import { createPostgresStore } from '../src/stores/postgres-store';
import { createSqliteStore } from '../src/stores/sqlite-store';
import { startCountingVerifier } from '../test/support/counting-verifier';
import {
  type HandlerInstance,
  startHandlerInstance,
  stopHandlerInstance,
} from '../test/support/handler-instances';
import { createDatabase, startPostgres } from '../test/support/postgres-server';

const OPERATIONS = 2000;
const TENANTS = 20;
const CHECKS = 600;
const ROUNDS = 3;
const VERIFIER_DELAY_MS = 300;

type Operation =
  | 'insert'
  | 'insert again'
  | 'findBySession'
  | 'findByAccount'
  | 'updateStatus'
  | 'findConnection';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function recordFor(i: number): SessionRecord {
  const at = new Date().toISOString();
  return {
    tenantId: `tenant-${i % TENANTS}`,
    sessionId: randomUUID(),
    accountId: String(100_000_000_000 + i),
    externalId: `cc-${randomUUID()}`,
    region: 'us-east-1',
    stackName: 'PorterRole',
    roleName: 'porter-manager',
    createdAt: at,
    status: 'pending',
    updatedAt: at,
  };
}

async function timeStore(store: ConnectionStore): Promise<Map<Operation, number[]>> {
  const samples = new Map<Operation, number[]>();
  const time = async (operation: Operation, run: () => Promise<unknown>) => {
    const start = performance.now();
    await run();
    const list = samples.get(operation) ?? [];
    list.push(performance.now() - start);
    samples.set(operation, list);
  };
  const records = Array.from({ length: OPERATIONS }, (_, i) => recordFor(i));
  for (const record of records) await time('insert', () => store.insertIfAbsent(record));
  for (const record of records) {
    await time('insert again', () => store.insertIfAbsent({ ...record, sessionId: randomUUID() }));
  }
  for (const record of records) {
    await time('findBySession', () => store.findBySession(record.tenantId, record.sessionId));
  }
  for (const record of records) {
    await time('findByAccount', () => store.findByAccount(record.tenantId, record.accountId));
  }
  for (const record of records) {
    const at = new Date().toISOString();
    await time('updateStatus', () =>
      store.updateStatus(record.tenantId, record.sessionId, {
        status: 'connected',
        roleArn: `arn:aws:iam::${record.accountId}:role/porter-manager`,
        verifiedAt: at,
        updatedAt: at,
      }),
    );
  }
  for (const record of records) {
    await time('findConnection', () => store.findConnection(record.tenantId));
  }
  for (const list of samples.values()) list.sort((a, b) => a - b);
  return samples;
}

async function checkRound(instances: HandlerInstance[], sessions: string[]): Promise<void> {
  await Promise.all(
    Array.from({ length: CHECKS }, (_, i) => {
      const t = i % TENANTS;
      const instance = instances[Math.floor(i / TENANTS) % instances.length];
      return instance?.request(`/api/sessions/${sessions[t]}/check`, `tenant-${t}`, {});
    }),
  );
}

async function verifierCalls(
  serverUrl: string,
  count: number,
  coordination: 'postgres' | 'in-process',
): Promise<number[]> {
  const url = await createDatabase(serverUrl);
  const store = createPostgresStore({ connectionString: url });
  await store.migrate();
  await store.close();
  const verifier = await startCountingVerifier(VERIFIER_DELAY_MS);
  const instances = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      startHandlerInstance(`i${i}`, {
        DATABASE_URL: url,
        VERIFIER_URL: verifier.url,
        COORDINATION: coordination,
      }),
    ),
  );
  const perRound: number[] = [];
  try {
    // Round 0 warms the processes up (JIT, connections) and is not counted.
    for (let round = 0; round <= ROUNDS; round += 1) {
      // Fresh sessions each round, so no result of the last round answers this one.
      const sessions = await Promise.all(
        Array.from({ length: TENANTS }, async (_, t) => {
          const { body } = await (instances[0] as HandlerInstance).request(
            '/api/sessions',
            `tenant-${t}`,
            {
              accountId: String(200_000_000_000 + round * 1000 + t),
            },
          );
          return (body.session as { sessionId: string }).sessionId;
        }),
      );
      const before = verifier.calls.length;
      await checkRound(instances, sessions);
      if (round > 0) perRound.push(verifier.calls.length - before);
    }
  } finally {
    await Promise.all(instances.map((instance) => stopHandlerInstance(instance)));
    await verifier.close();
  }
  return perRound;
}

const server = await startPostgres();
const directory = mkdtempSync(join(tmpdir(), 'cloud-connect-bench-'));
try {
  const sqlite = createSqliteStore(join(directory, 'bench.sqlite'));
  const sqliteSamples = await timeStore(sqlite);
  await sqlite.close();
  const postgres = createPostgresStore({ connectionString: await createDatabase(server.url) });
  await postgres.migrate();
  const postgresSamples = await timeStore(postgres);
  await postgres.close();

  console.log(`Store operations, ${OPERATIONS} each, one at a time (ms; PostgreSQL on 127.0.0.1)`);
  console.log('operation        sqlite p50  p99    postgres p50  p99    p50 ratio');
  for (const [operation, sqliteList] of sqliteSamples) {
    const postgresList = postgresSamples.get(operation) ?? [];
    const [s50, s99, p50, p99] = [
      percentile(sqliteList, 50),
      percentile(sqliteList, 99),
      percentile(postgresList, 50),
      percentile(postgresList, 99),
    ];
    console.log(
      `${operation.padEnd(16)} ${s50.toFixed(3).padStart(10)} ${s99.toFixed(3).padStart(6)} ${p50.toFixed(3).padStart(14)} ${p99.toFixed(3).padStart(6)} ${`x${(p50 / s50).toFixed(1)}`.padStart(10)}`,
    );
  }

  console.log(
    `\nVerifier calls for ${CHECKS} concurrent checks over ${TENANTS} sessions, per round (${ROUNDS} rounds, AWS answering in ${VERIFIER_DELAY_MS} ms)`,
  );
  const one = await verifierCalls(server.url, 1, 'postgres');
  const three = await verifierCalls(server.url, 3, 'postgres');
  const uncoordinated = await verifierCalls(server.url, 3, 'in-process');
  const mean = (list: number[]) => list.reduce((sum, n) => sum + n, 0) / list.length;
  console.log(`1 instance,  PostgreSQL coordination: ${one.join(', ')}`);
  console.log(
    `3 instances, PostgreSQL coordination: ${three.join(', ')}  (x${(mean(three) / mean(one)).toFixed(2)} of 1 instance)`,
  );
  console.log(
    `3 instances, in-process only:         ${uncoordinated.join(', ')}  (x${(mean(uncoordinated) / mean(one)).toFixed(2)} of 1 instance)`,
  );
} finally {
  await server.destroy();
  rmSync(directory, { recursive: true, force: true });
}
