import { type ConnectBackend, type ConnectSession, createHttpBackend } from '@porter/cloud-connect';
import { startSandbox } from '@porter/cloud-connect-sandbox';
import {
  createAwsVerifier,
  createCloudConnectHandler,
  createMemoryStore,
} from '@porter/cloud-connect-server';
import type { BackendChoice, TimingOverrides } from './arguments';

/** The sandbox's customer, played by `--auto`: follows the quick-create link. */
export interface SandboxCustomer {
  accountId: string;
  createStack(session: ConnectSession): Promise<void>;
}

/** Where a command's requests go, and what to close afterwards. */
export interface BackendTarget {
  backend: ConnectBackend;
  /** One line for people: where the requests go. */
  description: string;
  /** With `--sandbox`: the customer account's ID and the means to play the customer. */
  sandbox?: { customer: SandboxCustomer };
  close(): Promise<void>;
}

/** `--server`: the HTTP backend. `--sandbox`: a local AWS and the server handler, in this process. */
export async function openBackend(
  choice: BackendChoice,
  timing: TimingOverrides,
): Promise<BackendTarget> {
  if (choice.kind === 'server') {
    return {
      backend: createHttpBackend({ baseUrl: choice.url, headers: choice.headers }),
      description: `server ${choice.url}`,
      close: async () => {},
    };
  }
  return openEmbeddedSandbox(choice.scenario, timing);
}

// The handler is reached through the wire protocol without a port: the backend's fetch calls it.
const EMBEDDED_BASE_URL = 'http://embedded.invalid/cloud-connect';

async function openEmbeddedSandbox(
  scenario: Extract<BackendChoice, { kind: 'sandbox' }>['scenario'],
  timing: TimingOverrides,
): Promise<BackendTarget> {
  const sandbox = await startSandbox({ port: 0, scenario, timing: timing.sandbox });
  const store = createMemoryStore();
  const handler = createCloudConnectHandler({
    verifier: createAwsVerifier({
      region: 'us-east-1',
      clientConfig: {
        endpoint: sandbox.url,
        credentials: sandbox.vendorCredentials,
        maxAttempts: 1,
      },
    }),
    store,
    // One local user; a real host authenticates its own sign-in here.
    authenticate: async () => ({ tenantId: 'sandbox' }),
    listBlockers: async () => [],
    config: {
      region: 'us-east-1',
      basePath: new URL(EMBEDDED_BASE_URL).pathname,
      templateUrl: sandbox.templateUrl,
      trustedPrincipalArn: sandbox.vendorPrincipalArn,
      consoleBaseUrl: sandbox.consoleBaseUrl,
      allowedTemplateOrigins: [new URL(sandbox.templateUrl).origin],
    },
  });
  const customer: SandboxCustomer = {
    accountId: sandbox.customerAccountId,
    async createStack(session) {
      // What the customer does on the quick-create page the link opens.
      await sandbox.customer.createStack(session.quickCreateUrl);
    },
  };
  return {
    backend: createHttpBackend({
      baseUrl: EMBEDDED_BASE_URL,
      fetch: (input, init) => handler(new Request(input, init)),
    }),
    description: `embedded sandbox at ${sandbox.url}, scenario ${scenario}`,
    sandbox: { customer },
    async close() {
      await store.close();
      await sandbox.close();
    },
  };
}
