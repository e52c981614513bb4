// One handler instance in a process of its own, for the multi-instance test and benchmark.
// Usage: node --import tsx --conditions=@porter/source handler-instance.ts
// Env: DATABASE_URL, VERIFIER_URL, INSTANCE_NAME, LEASE_MS, RESULT_TTL_MS,
// COORDINATION (postgres | in-process).
// Prints {"port":N} once it listens. Routes: /api/* (no practical rate limit) and /limited/*
// (a burst of 10, one request a minute), both for `Authorization: Bearer <tenant>`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionCheck } from '@porter/cloud-connect';
import type { ConnectionVerifier } from '../../src/connection-verifier';
import type { Coordination } from '../../src/coordination';
import { createCloudConnectHandler } from '../../src/handler';
import type { Logger } from '../../src/logger';
import { toNodeListener } from '../../src/node-listener';
import { createPostgresCoordination } from '../../src/postgres-coordination';
import { createPostgresStore } from '../../src/stores/postgres-store';

const { DATABASE_URL, VERIFIER_URL, INSTANCE_NAME = 'instance' } = process.env;
if (!DATABASE_URL || !VERIFIER_URL) throw new Error('DATABASE_URL and VERIFIER_URL are required');

// Everything that goes wrong goes to stderr, which the test shows when an answer is not 200.
const report = (line: string, fields?: Record<string, unknown>) =>
  process.stderr.write(`[${INSTANCE_NAME}] ${line} ${JSON.stringify(fields ?? {})}\n`);
const logger: Logger = { warn: report, error: report };

const verifier: ConnectionVerifier = {
  async checkConnection(target, opts) {
    try {
      const response = await fetch(VERIFIER_URL, {
        method: 'POST',
        body: JSON.stringify({ accountId: target.accountId, instance: INSTANCE_NAME }),
        signal: opts?.signal,
      });
      return (await response.json()) as ConnectionCheck;
    } catch (error) {
      report('The verifier service call failed', {
        error: String(error),
        cause: String((error as Error).cause),
      });
      throw error;
    }
  },
  checkRevocation: async () => ({ status: 'pending' }),
};

// Hundreds of concurrent requests share ten connections per pool: on a busy machine a request
// may wait longer than the default 5 s for one, which would answer 503 and say nothing about
// coordination. A dead database still fails at once (connection refused).
const POOL = { connectionString: DATABASE_URL, connectionTimeoutMs: 60_000 };
const store = createPostgresStore(POOL);
const coordination: Coordination | undefined =
  process.env.COORDINATION === 'in-process'
    ? undefined
    : createPostgresCoordination({
        ...POOL,
        ...(process.env.LEASE_MS ? { leaseMs: Number(process.env.LEASE_MS) } : {}),
        ...(process.env.RESULT_TTL_MS ? { resultTtlMs: Number(process.env.RESULT_TTL_MS) } : {}),
      });

const handlerFor = (basePath: string, rateLimit: { requestsPerMinute: number; burst: number }) =>
  createCloudConnectHandler({
    verifier,
    store,
    ...(coordination ? { coordination } : {}),
    authenticate: async (request) => {
      const tenantId = request.headers.get('authorization')?.replace(/^Bearer /, '');
      return tenantId ? { tenantId } : null;
    },
    listBlockers: async () => [],
    logger,
    config: {
      region: 'us-east-1',
      templateUrl: 'https://porter-templates.s3.us-east-1.amazonaws.com/porter-role.json',
      trustedPrincipalArn: 'arn:aws:iam::111122223333:role/porter-vendor',
      basePath,
      rateLimit,
    },
  });
const api = toNodeListener(handlerFor('/api', { requestsPerMinute: 1e9, burst: 1e9 }));
const limited = toNodeListener(handlerFor('/limited', { requestsPerMinute: 1, burst: 10 }));

const server = createServer((request, response) =>
  (request.url?.startsWith('/limited/') ? limited : api)(request, response),
);
// Longer than the test client keeps idle connections, so the server never closes a socket just
// as the client reuses it (on a busy machine that race answers "other side closed").
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
