import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ConnectBackend, type ConnectSession, createHttpBackend } from '@porter/cloud-connect';
import { buildRoleTemplate } from '@porter/cloud-connect/template';
import { startSandbox } from '@porter/cloud-connect-sandbox';
import {
  createAwsVerifier,
  createCloudConnectHandler,
  createMemoryStackEventStore,
  createMemoryStore,
} from '@porter/cloud-connect-server';
import { toNodeListener } from '@porter/cloud-connect-server/node';
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

/**
 * `--server`: the HTTP backend. `--sandbox`: a local AWS and the server handler, with stack
 * events on, in this process.
 */
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
const EMBEDDED_BASE_PATH = new URL(EMBEDDED_BASE_URL).pathname;
// The one route SNS must reach over HTTP: the sandbox's SNS posts stack events there.
const EVENTS_PATH = `${EMBEDDED_BASE_PATH}/events`;
const EVENTS_TOPIC = 'porter-connect-events';

/**
 * The sandbox and the handler with stack events on, as a partner runs them: the role template
 * with the event resources, the sandbox's SNS topic subscribed to the handler's events route.
 * A stack that rolls back is then STACK_FAILED within seconds instead of a wait until the timeout.
 */
async function openEmbeddedSandbox(
  scenario: Extract<BackendChoice, { kind: 'sandbox' }>['scenario'],
  timing: TimingOverrides,
): Promise<BackendTarget> {
  const sandbox = await startSandbox({
    port: 0,
    scenario,
    timing: timing.sandbox,
    template: buildRoleTemplate({ preset: 'standard', events: true }),
  });
  const store = createMemoryStore();
  const topicArn = sandbox.sns.createTopic(EVENTS_TOPIC);
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
      basePath: EMBEDDED_BASE_PATH,
      templateUrl: sandbox.templateUrl,
      trustedPrincipalArn: sandbox.vendorPrincipalArn,
      consoleBaseUrl: sandbox.consoleBaseUrl,
      allowedTemplateOrigins: [new URL(sandbox.templateUrl).origin],
      events: {
        topics: { 'us-east-1': topicArn },
        // Links live as long as this process, so a secret of this run is enough.
        tokenSecret: randomBytes(32).toString('base64url'),
        store: createMemoryStackEventStore(),
        sandboxOrigin: sandbox.url,
      },
    },
  });
  // Only the events route listens: every other route stays unreachable from other processes,
  // since this handler signs everyone in as its one user.
  const listener = createServer(
    toNodeListener(
      (request) =>
        new URL(request.url).pathname === EVENTS_PATH
          ? handler(request)
          : Promise.resolve(new Response('Not found', { status: 404 })),
      { fallbackHost: '127.0.0.1' },
    ),
  );
  const close = async () => {
    await new Promise<void>((resolve) => {
      listener.close(() => resolve());
      listener.closeAllConnections();
    });
    // Background checks under way still use the store and the sandbox.
    await handler.close();
    await store.close();
    await sandbox.close();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(0, '127.0.0.1', resolve);
    });
    const { port } = listener.address() as AddressInfo;
    const eventsUrl = `http://127.0.0.1:${port}${EVENTS_PATH}`;
    const subscription = await sandbox.sns.subscribe(topicArn, eventsUrl);
    if (!subscription.confirmed) {
      throw new Error(`The sandbox's SNS could not subscribe ${eventsUrl} to stack events.`);
    }
  } catch (error) {
    await close();
    throw error;
  }

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
    description: `embedded sandbox at ${sandbox.url}, scenario ${scenario}, stack events on`,
    sandbox: { customer },
    close,
  };
}
