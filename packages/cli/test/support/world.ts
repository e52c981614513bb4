import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Blocker, ConnectSession } from '@porter/cloud-connect';
import { type SandboxScenario, startSandbox } from '@porter/cloud-connect-sandbox';
import {
  type AwsClientConfig,
  createAwsVerifier,
  createCloudConnectHandler,
  createMemoryStore,
} from '@porter/cloud-connect-server';
import { toNodeListener } from '@porter/cloud-connect-server/node';

/** The token the test server accepts; the CLI sends it with --header. */
export const TOKEN = 'test-token';
export const AUTH_HEADER = `Authorization: Bearer ${TOKEN}`;

/** Short waits for the machine, passed with --timing. */
export const FAST_TIMING = JSON.stringify({
  firstCheckMs: 50,
  intervalMs: 100,
  minGapMs: 50,
  revocationIntervalMs: 100,
});

/**
 * A started sandbox and a host server (memory store, Node listener) as a partner would run
 * them, plus the sandbox's customer to create and delete the stack.
 */
export async function startWorld(
  options: {
    scenario?: SandboxScenario;
    blockers?: Blocker[];
    vendorCredentials?: AwsClientConfig['credentials'];
  } = {},
) {
  const sandbox = await startSandbox({
    scenario: options.scenario ?? 'normal',
    timing: { stackCreateMs: 100, propagationMs: 100, stackDeleteMs: 100 },
  });
  const store = createMemoryStore();
  const handler = createCloudConnectHandler({
    verifier: createAwsVerifier({
      region: 'us-east-1',
      clientConfig: {
        endpoint: sandbox.url,
        credentials: options.vendorCredentials ?? sandbox.vendorCredentials,
        maxAttempts: 1,
      },
    }),
    store,
    authenticate: async (request) =>
      request.headers.get('authorization') === `Bearer ${TOKEN}` ? { tenantId: 'cli' } : null,
    listBlockers: async () => options.blockers ?? [],
    config: {
      region: 'us-east-1',
      basePath: '/api/cloud-connect',
      templateUrl: sandbox.templateUrl,
      trustedPrincipalArn: sandbox.vendorPrincipalArn,
      consoleBaseUrl: sandbox.consoleBaseUrl,
      allowedTemplateOrigins: [new URL(sandbox.templateUrl).origin],
      // The CLI polls every 100 ms here; the default budget is for browsers.
      rateLimit: { requestsPerMinute: 60_000, burst: 1000 },
    },
  });
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    sandbox,
    accountId: sandbox.customerAccountId,
    serverUrl: `http://127.0.0.1:${port}/api/cloud-connect`,
    /** What the customer does on the quick-create page the link opens. */
    async createStack(session: ConnectSession) {
      await sandbox.customer.createStack(session.quickCreateUrl);
    },
    /** What the customer does in the console's stack list. */
    async deleteStack(stackName: string) {
      await sandbox.customer.deleteStack(stackName);
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
      await sandbox.close();
    },
  };
}

export type World = Awaited<ReturnType<typeof startWorld>>;
