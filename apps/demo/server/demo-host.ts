/**
 * The demo product's server, one Node process: Cloud Connect's handler under
 * /api/cloud-connect (SQLite store, the demo sign-in as its authentication, the clusters as
 * blockers, stack events at /api/cloud-connect/events), the product's own API under /api/demo,
 * and the built app. In sandbox mode the sandbox (a local AWS) runs in the same process.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { CloudConnectTiming } from '@porter/cloud-connect';
import type { Sandbox, SandboxTiming } from '@porter/cloud-connect-sandbox';
import {
  type CloudConnectHandlerConfig,
  type CloudConnectHandlerWithEvents,
  type ConnectionVerifier,
  createAwsVerifier,
  createCloudConnectHandler,
} from '@porter/cloud-connect-server';
import { toNodeListener } from '@porter/cloud-connect-server/node';
import { createSqliteStore } from '@porter/cloud-connect-server/sqlite';
import { openClusterRegistry } from './cluster-registry';
import { createDemoApi } from './demo-api';
import { signInCookie, signOutCookie, tenantOf } from './demo-sign-in';
import {
  awsStackEvents,
  type DemoStackEvents,
  sandboxStackEvents,
  startDemoSandbox,
} from './demo-stack-events';
import type { AwsModeConfig, SandboxModeConfig } from './host-config';
import { createMovableClock, type MovableClock, sandboxControls } from './sandbox-controls';
import { staticFile } from './static-files';

/** Where Cloud Connect's routes live. */
export const CLOUD_CONNECT_BASE_PATH = '/api/cloud-connect';

/** Options of {@link startDemoHost}. */
export interface DemoHostOptions {
  /** The port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Where the SQLite files go (created when missing). */
  dataDir: string;
  /** The built app (Vite's output). */
  appDir: string;
  mode: AwsModeConfig | (SandboxModeConfig & SandboxModeExtras);
  /** Machine timing the app's flows run with; sandbox mode has short defaults. */
  flowTiming?: Partial<CloudConnectTiming>;
}

/**
 * Sandbox mode: the sandbox's timing, or a sandbox already running (which the host leaves
 * running; start it with `startDemoSandbox` so its template has the stack event resources).
 */
export interface SandboxModeExtras {
  timing?: Partial<SandboxTiming>;
  running?: { sandbox: Sandbox; clock: MovableClock };
}

/** A running demo host. */
export interface DemoHost {
  /** The URL to open, e.g. `http://127.0.0.1:4700/`. */
  url: string;
  /** The sandbox in sandbox mode (tests play the customer with it). */
  sandbox: Sandbox | undefined;
  /** Whether CloudFormation's stack events reach the server (always in sandbox mode). */
  stackEvents: boolean;
  close(): Promise<void>;
}

/** A port someone else holds; `which` says whose port it was meant to be. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(
    readonly which: 'host' | 'sandbox',
    readonly port: number,
  ) {
    super(`Port ${port} on 127.0.0.1 is already in use.`);
  }
}

// Checks every second and a slow mark after 20 s: short enough to watch every state in a demo.
// The sandbox keeps its stacks in memory, so after a restart the SQLite file remembers
// connections whose stacks are gone: the health check says so within seconds.
const SANDBOX_FLOW_TIMING: Partial<CloudConnectTiming> = {
  healthIntervalMs: 10_000,
  firstCheckMs: 1000,
  intervalMs: 1000,
  visibleIntervalMs: 1000,
  minGapMs: 500,
  slowAfterMs: 20_000,
  timeoutMs: 600_000,
  revocationIntervalMs: 1000,
};

/** Starts the sandbox (in sandbox mode), the handler and the HTTP server. */
export async function startDemoHost(options: DemoHostOptions): Promise<DemoHost> {
  mkdirSync(options.dataDir, { recursive: true });
  let clock = createMovableClock();
  let sandbox: Sandbox | undefined;
  let ownsSandbox = false;
  if (options.mode.kind === 'sandbox' && options.mode.running) {
    ({ sandbox, clock } = options.mode.running);
  } else if (options.mode.kind === 'sandbox') {
    try {
      sandbox = await startDemoSandbox({
        port: options.mode.port,
        clock,
        ...(options.mode.timing !== undefined && { timing: options.mode.timing }),
      });
      ownsSandbox = true;
    } catch (error) {
      throw portError(error, 'sandbox', options.mode.port);
    }
  }
  const closeSandbox = async () => {
    if (ownsSandbox) await sandbox?.close();
  };

  let origin = '';
  const clusters = openClusterRegistry(join(options.dataDir, 'clusters.sqlite'));
  // The event tables live in the sessions' file, as the server package suggests.
  const sqlitePath = join(options.dataDir, 'cloud-connect.sqlite');
  const store = createSqliteStore(sqlitePath);
  let events: DemoStackEvents | undefined;
  const closeStores = async () => {
    clusters.close();
    await store.close();
    await events?.close();
  };
  let cloudConnect: CloudConnectHandlerWithEvents;
  try {
    events = stackEventsFor(options, sandbox, sqlitePath);
    cloudConnect = createCloudConnectHandler({
      verifier: verifierFor(options.mode, sandbox),
      store,
      authenticate: async (request) => {
        const tenantId = tenantOf(request);
        return tenantId ? { tenantId } : null;
      },
      listBlockers: async ({ tenantId, accountId }) =>
        clusters.list(tenantId, accountId).map((cluster) => ({
          id: cluster.id,
          kind: 'cluster',
          name: cluster.name,
          href: `${origin}/account#clusters`,
        })),
      config: { ...handlerConfig(options.mode, sandbox), ...(events && { events: events.config }) },
      logger: { warn: logLine('warn'), error: logLine('error') },
    });
  } catch (error) {
    await closeStores();
    await closeSandbox();
    throw error;
  }

  const demoApi = createDemoApi({
    mode: options.mode.kind,
    timing: { ...(sandbox ? SANDBOX_FLOW_TIMING : {}), ...options.flowTiming },
    clusters,
    sandbox: sandbox ? sandboxControls(sandbox, clock) : undefined,
  });

  async function handle(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === CLOUD_CONNECT_BASE_PATH || pathname.startsWith(`${CLOUD_CONNECT_BASE_PATH}/`))
      return cloudConnect(request);
    if (pathname.startsWith('/api/')) {
      const tenantId = tenantOf(request);
      if (!tenantId) {
        return Response.json(
          { error: { code: 'UNAUTHORIZED', message: 'Sign in first: reload the page.' } },
          { status: 401 },
        );
      }
      if (pathname === '/api/demo/sign-out' && request.method === 'POST') {
        return new Response(null, { status: 204, headers: { 'set-cookie': signOutCookie() } });
      }
      return demoApi(request, tenantId);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } });
    const file = await staticFile(options.appDir, pathname);
    if (!file) return new Response('Not found', { status: 404 });
    if (file.headers.get('content-type')?.startsWith('text/html')) {
      file.headers.set('content-security-policy', "default-src 'self'; frame-ancestors 'none'");
      if (!tenantOf(request)) file.headers.append('set-cookie', signInCookie());
    }
    return file;
  }

  const server = createServer(toNodeListener(handle, { fallbackHost: '127.0.0.1' }));
  try {
    await listen(server, options.port);
  } catch (error) {
    await cloudConnect.close();
    await closeStores();
    await closeSandbox();
    throw portError(error, 'host', options.port);
  }
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let closing: Promise<void> | undefined;
  const host: DemoHost = {
    url: `${origin}/`,
    sandbox,
    stackEvents: events !== undefined,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        // Background checks under way still write to the stores.
        await cloudConnect.close();
        await closeStores();
        await closeSandbox();
      })();
      return closing;
    },
  };
  try {
    await events?.subscribe?.(`${origin}${CLOUD_CONNECT_BASE_PATH}/events`);
  } catch (error) {
    await host.close();
    throw error;
  }
  return host;
}

function stackEventsFor(
  options: DemoHostOptions,
  sandbox: Sandbox | undefined,
  sqlitePath: string,
): DemoStackEvents | undefined {
  if (sandbox) return sandboxStackEvents(sandbox, options.dataDir, sqlitePath);
  if (options.mode.kind === 'aws' && options.mode.events)
    return awsStackEvents(options.mode.region, options.mode.events, sqlitePath);
  return undefined;
}

function handlerConfig(
  mode: DemoHostOptions['mode'],
  sandbox: Sandbox | undefined,
): CloudConnectHandlerConfig {
  if (sandbox) {
    return {
      region: 'us-east-1',
      basePath: CLOUD_CONNECT_BASE_PATH,
      templateUrl: sandbox.templateUrl,
      trustedPrincipalArn: sandbox.vendorPrincipalArn,
      consoleBaseUrl: sandbox.consoleBaseUrl,
      allowedTemplateOrigins: [new URL(sandbox.templateUrl).origin],
      // Two tabs checking every second stay well inside it.
      rateLimit: { requestsPerMinute: 600, burst: 60 },
    };
  }
  if (mode.kind !== 'aws') throw new Error('Sandbox mode runs with a sandbox.');
  return {
    region: mode.region,
    basePath: CLOUD_CONNECT_BASE_PATH,
    templateUrl: mode.templateUrl,
    trustedPrincipalArn: mode.trustedPrincipalArn,
  };
}

function verifierFor(
  mode: DemoHostOptions['mode'],
  sandbox: Sandbox | undefined,
): ConnectionVerifier {
  if (sandbox) {
    return createAwsVerifier({
      region: 'us-east-1',
      clientConfig: {
        endpoint: sandbox.url,
        credentials: sandbox.vendorCredentials,
        maxAttempts: 1,
      },
    });
  }
  // Real AWS: the vendor's credentials come from the SDK's default chain (env, profile, role).
  return createAwsVerifier({ region: mode.kind === 'aws' ? mode.region : 'us-east-1' });
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function portError(error: unknown, which: 'host' | 'sandbox', port: number): unknown {
  return (error as NodeJS.ErrnoException)?.code === 'EADDRINUSE'
    ? new PortInUseError(which, port)
    : error;
}

function logLine(level: 'warn' | 'error') {
  return (message: string, fields?: Record<string, unknown>) =>
    console[level](`[cloud-connect] ${message}`, fields ?? '');
}
