// The whole stack events path on one machine: a started sandbox (its SNS subscribed to the
// server's /events), the real handler over HTTP with a memory store, and core's machine over
// createHttpBackend, all on the wall clock with short timings.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CloudConnectActor,
  type CloudConnectEmitted,
  type CloudConnectTiming,
  type ConnectSession,
  createCloudConnect,
  createHttpBackend,
} from '@porter/cloud-connect';
import { buildRoleTemplate } from '@porter/cloud-connect/template';
import {
  type Sandbox,
  type SandboxClock,
  type SandboxScenario,
  type SandboxTiming,
  startSandbox,
} from '@porter/cloud-connect-sandbox';
import { createAwsVerifier } from '../../src/aws-verifier';
import { type CloudConnectHandler, createCloudConnectHandler } from '../../src/handler';
import { toNodeListener } from '../../src/node-listener';
import type { ConnectionStore } from '../../src/stores/connection-store';
import { createMemoryStore } from '../../src/stores/memory-store';

/** Options of {@link startStackEventsWorld}. */
export interface StackEventsWorldOptions {
  /** Stack events on: the -events template, `config.events` and the SNS subscription. */
  events: boolean;
  scenario?: SandboxScenario;
  sandboxTiming?: Partial<SandboxTiming>;
  machineTiming?: Partial<CloudConnectTiming>;
  /** The sandbox's clock (a manual one to step past ServiceTimeout). @default the wall clock */
  sandboxClock?: SandboxClock;
  /** Subscribe the server, then stop it answering (the vendor's endpoint is down). */
  endpointDown?: boolean;
}

/** What one launch of the flow saw, with wall-clock times from the launch. */
export interface LaunchRecord {
  actor: CloudConnectActor;
  session: ConnectSession;
  /** Wall-clock ms since the launch. */
  elapsedMs(): number;
  emitted: Array<{ event: CloudConnectEmitted; atMs: number }>;
  /** Resolves with the first emitted event of this type and its time since the launch. */
  waitFor<T extends CloudConnectEmitted['type']>(
    type: T,
    timeoutMs?: number,
  ): Promise<{ event: Extract<CloudConnectEmitted, { type: T }>; atMs: number }>;
  stop(): void;
}

export interface StackEventsWorld {
  sandbox: Sandbox;
  handler: CloudConnectHandler;
  /** The handler's store (tenant `tenant-a`). */
  store: ConnectionStore;
  serverUrl: string;
  topicArn: string;
  /** Submits the account, creates the stack from the quick-create link, says it was launched. */
  launch(): Promise<LaunchRecord>;
  close(): Promise<void>;
}

export const EVENT_TOKEN_SECRET = 'sandbox-events-secret-0123456789abcdef';

export async function startStackEventsWorld(
  options: StackEventsWorldOptions,
): Promise<StackEventsWorld> {
  const sandbox = await startSandbox({
    template: buildRoleTemplate({ preset: 'standard', events: options.events }),
    timing: {
      stackCreateMs: 300,
      propagationMs: 500,
      stackDeleteMs: 300,
      ...options.sandboxTiming,
    },
    ...(options.scenario !== undefined && { scenario: options.scenario }),
    ...(options.sandboxClock !== undefined && { clock: options.sandboxClock }),
  });
  const topicArn = sandbox.sns.createTopic('cloud-connect-events');
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
    authenticate: async () => ({ tenantId: 'tenant-a' }),
    listBlockers: async () => [],
    config: {
      region: 'us-east-1',
      templateUrl: sandbox.templateUrl,
      trustedPrincipalArn: sandbox.vendorPrincipalArn,
      consoleBaseUrl: sandbox.consoleBaseUrl,
      allowedTemplateOrigins: [new URL(sandbox.templateUrl).origin],
      ...(options.events && {
        events: {
          topics: { 'us-east-1': topicArn },
          tokenSecret: EVENT_TOKEN_SECRET,
          sandboxOrigin: sandbox.url,
          backgroundIntervalMs: 100,
        },
      }),
    },
  });
  const listener = toNodeListener(handler);
  let answering = true;
  const server: Server = createServer((req, res) => {
    // A vendor endpoint that is down: the connection is accepted and then dropped.
    if (!answering && req.url?.endsWith('/events')) {
      req.socket.destroy();
      return;
    }
    listener(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (options.events) {
    const subscription = await sandbox.sns.subscribe(topicArn, `${serverUrl}/events`);
    if (!subscription.confirmed) throw new Error('the server did not confirm the subscription');
  }
  if (options.endpointDown) answering = false;

  const actors: Array<{ stop(): void }> = [];
  async function launch(): Promise<LaunchRecord> {
    const actor = createCloudConnect({
      backend: createHttpBackend({ baseUrl: serverUrl }),
      input: {
        timing: {
          firstCheckMs: 200,
          intervalMs: 200,
          minGapMs: 100,
          visibleIntervalMs: 200,
          ...options.machineTiming,
        },
      },
    });
    actors.push(actor);
    let launchedAt = performance.now();
    const emitted: LaunchRecord['emitted'] = [];
    const waiters: Array<() => void> = [];
    actor.on('*', (event) => {
      emitted.push({ event, atMs: performance.now() - launchedAt });
      for (const wake of waiters.splice(0)) wake();
    });
    actor.start();
    actor.send({ type: 'ACCOUNT_ID.CHANGE', value: sandbox.customerAccountId });
    actor.send({ type: 'ACCOUNT_ID.SUBMIT' });
    const waitFor: LaunchRecord['waitFor'] = async (type, timeoutMs = 30_000) => {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const found = emitted.find((entry) => entry.event.type === type);
        if (found) return found as never;
        if (performance.now() > deadline)
          throw new Error(
            `no ${type} within ${timeoutMs} ms; saw ${emitted.map((e) => e.event.type).join(', ')}`,
          );
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    };
    const { event } = await waitFor('session.created');
    await sandbox.customer.createStack(event.session.quickCreateUrl);
    launchedAt = performance.now();
    actor.send({ type: 'STACK.LAUNCHED' });
    return {
      actor,
      session: event.session,
      elapsedMs: () => performance.now() - launchedAt,
      emitted,
      waitFor,
      stop: () => actor.stop(),
    };
  }

  return {
    sandbox,
    handler,
    store,
    serverUrl,
    topicArn,
    launch,
    async close() {
      for (const actor of actors) actor.stop();
      await handler.close();
      await sandbox.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
