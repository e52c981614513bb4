// Benchmark: single-flight under concurrent checks, handler overhead, and SQLite growth.
// Prints figures only (no pass/fail). Run: pnpm --filter @porter/cloud-connect-server bench
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, type AssumeRoleCommandInput, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { createAwsVerifier } from '../src/aws-verifier';
import type { ConnectionVerifier } from '../src/connection-verifier';
import { type CloudConnectHandler, createCloudConnectHandler } from '../src/handler';
import type { ConnectionStore } from '../src/stores/connection-store';
import { createMemoryStore } from '../src/stores/memory-store';
import { createSqliteStore } from '../src/stores/sqlite-store';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const TENANTS = 20;
const REQUESTS = 200;
const ROUNDS = 5;
const AWS_LATENCY_MS = 100;
const SESSIONS = 10_000;

const CONFIG = {
  region: 'us-east-1',
  templateUrl: 'https://porter-templates.s3.us-east-1.amazonaws.com/porter-role.json',
  trustedPrincipalArn: 'arn:aws:iam::111122223333:root',
  rateLimit: { requestsPerMinute: 1e9, burst: 1e9 },
};

// A verifier that answers at once: what remains is the handler's (and the store's) own cost.
const instantVerifier: ConnectionVerifier = {
  checkConnection: async () => ({ status: 'pending', reason: 'not-assumable' }),
  checkRevocation: async () => ({ status: 'pending' }),
};

function makeHandler(verifier: ConnectionVerifier, store: ConnectionStore): CloudConnectHandler {
  return createCloudConnectHandler({
    verifier,
    store,
    authenticate: async (request) => ({ tenantId: request.headers.get('x-tenant') ?? 'anon' }),
    listBlockers: async () => [],
    config: CONFIG,
  });
}

function post(handler: CloudConnectHandler, tenant: string, path: string, body: unknown = {}) {
  return handler(
    new Request(`https://app.example.com${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant': tenant },
      body: JSON.stringify(body),
    }),
  );
}

async function createSessions(handler: CloudConnectHandler, tenants: number): Promise<string[]> {
  const ids: string[] = [];
  for (let t = 0; t < tenants; t += 1) {
    const response = await post(handler, `tenant-${t}`, '/sessions', {
      accountId: String(100_000_000_000 + t),
    });
    const { session } = (await response.json()) as { session: { sessionId: string } };
    ids.push(session.sessionId);
  }
  return ids;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const ms = (value: number) => `${value.toFixed(3)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

async function singleFlightRounds(role: 'missing' | 'ready'): Promise<void> {
  const sts = mockClient(STSClient);
  const cloudFormation = mockClient(CloudFormationClient);
  let stsCalls = 0;
  let cfnCalls = 0;
  const credentials = {
    AccessKeyId: 'ASIA',
    SecretAccessKey: 's',
    SessionToken: 't',
    Expiration: new Date(),
  };
  sts.on(AssumeRoleCommand).callsFake(async (input: AssumeRoleCommandInput) => {
    stsCalls += 1;
    await new Promise((resolve) => setTimeout(resolve, AWS_LATENCY_MS));
    const denied =
      role === 'missing' ||
      input.ExternalId === undefined ||
      input.ExternalId.startsWith('cc-probe-');
    if (denied)
      throw Object.assign(new Error('denied'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      });
    return { Credentials: credentials };
  });
  cloudFormation.on(DescribeStacksCommand).callsFake(async () => {
    cfnCalls += 1;
    await new Promise((resolve) => setTimeout(resolve, AWS_LATENCY_MS));
    return {
      Stacks: [
        { StackName: 'PorterRole', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() },
      ],
    };
  });

  const handler = makeHandler(createAwsVerifier({ region: 'us-east-1' }), createMemoryStore());
  const sessions = await createSessions(handler, TENANTS);
  console.log(
    `\n${REQUESTS} concurrent checks over ${TENANTS} tenants, AWS at ${AWS_LATENCY_MS} ms (role ${role === 'missing' ? 'not assumable yet: 1 AssumeRole per check' : 'ready: 3 AssumeRole + 1 DescribeStacks per check'})`,
  );
  for (let round = 1; round <= ROUNDS; round += 1) {
    stsCalls = 0;
    cfnCalls = 0;
    const started = performance.now();
    const latencies = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const t = i % TENANTS;
        const begin = performance.now();
        const response = await post(handler, `tenant-${t}`, `/sessions/${sessions[t]}/check`);
        await response.arrayBuffer();
        return performance.now() - begin;
      }),
    );
    const wall = performance.now() - started;
    latencies.sort((a, b) => a - b);
    // Every check waits for `steps` AWS calls in a row; the rest of its time is the handler's.
    const steps = role === 'missing' ? 1 : 3;
    const overhead = latencies.map((latency) => latency - steps * AWS_LATENCY_MS);
    console.log(
      `  round ${round}: AWS calls ${stsCalls + cfnCalls} (STS ${stsCalls}, CloudFormation ${cfnCalls}; without single-flight ${REQUESTS * (role === 'missing' ? 1 : 4)}), wall ${ms(wall)}, request p50 ${ms(percentile(latencies, 50))} p99 ${ms(percentile(latencies, 99))}; overhead beyond AWS p50 ${ms(percentile(overhead, 50))} p99 ${ms(percentile(overhead, 99))}`,
    );
  }
  sts.restore();
  cloudFormation.restore();
}

async function handlerOverhead(label: string, store: ConnectionStore): Promise<void> {
  const handler = makeHandler(instantVerifier, store);
  const sessions = await createSessions(handler, TENANTS);
  const run = async (count: number) => {
    const samples: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const t = i % TENANTS;
      const begin = performance.now();
      const response = await post(handler, `tenant-${t}`, `/sessions/${sessions[t]}/check`);
      await response.arrayBuffer();
      samples.push(performance.now() - begin);
    }
    return samples.sort((a, b) => a - b);
  };
  await run(500); // warm-up
  const samples = await run(5000);
  console.log(
    `  ${label}: p50 ${ms(percentile(samples, 50))}, p99 ${ms(percentile(samples, 99))} per check request (5000 sequential, AWS excluded)`,
  );
  await store.close();
}

async function sqliteGrowth(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'cloud-connect-bench-'));
  const path = join(directory, 'sessions.sqlite');
  const size = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  const files = () => size(path) + size(`${path}-wal`) + size(`${path}-shm`);
  const store = createSqliteStore(path);
  const handler = makeHandler(instantVerifier, store);
  globalThis.gc?.();
  const before = {
    heap: process.memoryUsage().heapUsed,
    rss: process.memoryUsage().rss,
    file: files(),
  };
  const started = performance.now();
  for (let i = 0; i < SESSIONS; i += 1) {
    // 500 tenants x 20 accounts each.
    const response = await post(handler, `tenant-${i % 500}`, '/sessions', {
      accountId: String(200_000_000_000 + i),
    });
    if (response.status !== 201) throw new Error(`session ${i}: HTTP ${response.status}`);
    await response.arrayBuffer();
  }
  const elapsed = performance.now() - started;
  globalThis.gc?.();
  const after = {
    heap: process.memoryUsage().heapUsed,
    rss: process.memoryUsage().rss,
    file: files(),
  };
  await store.close();
  const closedSize = files();
  console.log(
    `\n${SESSIONS.toLocaleString('en')} sessions created through the handler into SQLite`,
  );
  console.log(`  time ${ms(elapsed)} (${ms(elapsed / SESSIONS)} per session)`);
  console.log(
    `  file growth ${mib(after.file - before.file)} with WAL (${Math.round((after.file - before.file) / SESSIONS)} B/session); after close (checkpointed) ${mib(closedSize)} (${Math.round(closedSize / SESSIONS)} B/session)`,
  );
  console.log(
    `  heap growth ${mib(after.heap - before.heap)}, RSS growth ${mib(after.rss - before.rss)}${globalThis.gc ? '' : ' (run node with --expose-gc for steadier heap figures)'}`,
  );
  rmSync(directory, { recursive: true, force: true });
}

await singleFlightRounds('missing');
await singleFlightRounds('ready');

console.log('\nHandler overhead (verifier answering at once)');
await handlerOverhead('memory store', createMemoryStore());
const overheadDirectory = mkdtempSync(join(tmpdir(), 'cloud-connect-bench-'));
await handlerOverhead(
  'SQLite store',
  createSqliteStore(join(overheadDirectory, 'overhead.sqlite')),
);
rmSync(overheadDirectory, { recursive: true, force: true });

await sqliteGrowth();
