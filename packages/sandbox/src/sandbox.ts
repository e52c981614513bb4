import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { buildRoleTemplate, type RoleTemplate } from '@porter/cloud-connect/template';
import {
  CONSOLE_ACCOUNTS,
  CUSTOMER_ACCOUNT_ID,
  CUSTOMER_CREDENTIALS,
  CUSTOMER_PRINCIPAL_ARN,
  VENDOR_ACCOUNT_ID,
  VENDOR_CREDENTIALS,
  VENDOR_PRINCIPAL_ARN,
} from './accounts';
import { type AwsApiContext, handleAwsRequest, tooLargeResponse } from './aws-api';
import { type SandboxClock, systemClock } from './clock';
import { CloudState } from './cloud-state';
import { type ConsoleContext, handleConsoleRequest } from './console';
import { plainPage, sandboxIndexPage } from './console-pages';
import { type ControlContext, handleControlRequest } from './control-endpoint';
import { createCustomer, type SandboxCustomer } from './customer';
import { htmlResponse, type SandboxResponse, writeResponse } from './http-response';
import { CredentialStore, type SandboxCredentials } from './identities';
import {
  DEFAULT_SANDBOX_TIMING,
  isSandboxScenario,
  SANDBOX_SCENARIOS,
  type SandboxScenario,
  type SandboxTiming,
} from './scenarios';
import { createSandboxSns, type SandboxSns } from './sns';
import { type CloudFormationTemplate, parseTemplate } from './template-evaluator';

/** Options of `startSandbox`. */
export interface SandboxOptions {
  /** The port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** How long stack creation, IAM propagation and deletion take. @default DEFAULT_SANDBOX_TIMING */
  timing?: Partial<SandboxTiming>;
  /** What to simulate; switch later with `setScenario` or `POST /_sandbox/scenario`. @default 'normal' */
  scenario?: SandboxScenario;
  /** In the `throttle` scenario, every Nth API call answers `Throttling`. @default 3 */
  throttleEvery?: number;
  /** The clock that drives stack progress and credential expiry. @default the wall clock */
  clock?: SandboxClock;
  /** The role template served at `templateUrl`. @default core's `buildRoleTemplate({ preset: 'standard' })` */
  template?: CloudFormationTemplate | RoleTemplate;
  /**
   * Check calls made with the role's temporary credentials against the role's permission
   * policies, as IAM does (an action the template does not grant answers AccessDenied).
   * @default true
   */
  enforceRolePermissions?: boolean;
  /** Request bodies larger than this are refused with 413. @default 262144 */
  maxBodyBytes?: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** The one endpoint for STS and CloudFormation, e.g. `http://127.0.0.1:4566`. */
  url: string;
  /** The origin serving the console pages at `/cloudformation/home`. */
  consoleBaseUrl: string;
  /** Where the role template is served (pass it to `quickCreateUrl`). */
  templateUrl: string;
  /** The vendor's keys: what the server's AWS clients sign with. */
  vendorCredentials: SandboxCredentials;
  /** The vendor principal the template's TrustedPrincipalArn parameter should name. */
  vendorPrincipalArn: string;
  /** The account the user connects (the console is signed in to it at first). */
  customerAccountId: string;
  /** Keys of an IAM user in the customer account, to create stacks from scripts. */
  customerCredentials: SandboxCredentials;
  /** The timing in force. */
  timing: Readonly<SandboxTiming>;
  /** The scenario in force. */
  readonly scenario: SandboxScenario;
  /**
   * Plays the person in the customer's account: follows a quick-create link, deletes a stack,
   * waits for a stack's status, as the console would, without driving its HTML.
   */
  customer: SandboxCustomer;
  /**
   * SNS: create a topic, subscribe the server's events endpoint, and custom resources whose
   * ServiceToken is the topic are delivered there (stack events).
   */
  sns: SandboxSns;
  /** Switches the scenario; stacks already created keep the one they were created under. */
  setScenario(scenario: SandboxScenario): void;
  /** Stops the server and closes every connection; resolves when nothing is left open. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
const SETTLE_INTERVAL_MS = 20;
const TEMPLATE_PATH = '/templates/porter-role-standard.json';
const RESTRICTED_TEMPLATE_PATH = '/templates/porter-role-restricted.json';

/**
 * Starts a local AWS (STS + CloudFormation + console pages) on 127.0.0.1 for development,
 * tests and demos: the real SDK v3 clients work against it with `endpoint: sandbox.url`.
 *
 * @example
 * const sandbox = await startSandbox({ timing: { stackCreateMs: 100 } });
 * const sts = new STSClient({ endpoint: sandbox.url, region: 'us-east-1', credentials: sandbox.vendorCredentials });
 * // ...
 * await sandbox.close();
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = options.clock ?? systemClock;
  const timing: SandboxTiming = { ...DEFAULT_SANDBOX_TIMING, ...options.timing };
  for (const [key, value] of Object.entries(timing)) {
    if (!Number.isFinite(value) || value < 0)
      throw new RangeError(`timing.${key} must be a number of milliseconds >= 0`);
  }
  const throttleEvery = options.throttleEvery ?? 3;
  if (!Number.isInteger(throttleEvery) || throttleEvery < 1)
    throw new RangeError('throttleEvery must be an integer >= 1');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // NaN would lift the limit altogether (no size is greater than NaN).
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 0)
    throw new RangeError('maxBodyBytes must be an integer number of bytes >= 0');
  let scenario = checkScenario(options.scenario ?? 'normal');

  const snsParts = createSandboxSns({
    origin: () => origin(),
    clock,
    answer: (requestId, answer) => {
      const recorded = state.answerCustomResource(requestId, answer);
      // The stack moves on at once, not at the next look at it.
      if (recorded) state.settle(clock.now());
      return recorded;
    },
  });
  const state = new CloudState(snsParts.endpoint);
  const credentials = new CredentialStore();
  credentials.addUser(
    {
      kind: 'user',
      accountId: VENDOR_ACCOUNT_ID,
      arn: VENDOR_PRINCIPAL_ARN,
      userId: 'AIDASANDBOXVENDOR0001',
    },
    { ...VENDOR_CREDENTIALS },
  );
  credentials.addUser(
    {
      kind: 'user',
      accountId: CUSTOMER_ACCOUNT_ID,
      arn: CUSTOMER_PRINCIPAL_ARN,
      userId: 'AIDASANDBOXCUSTOMER01',
    },
    { ...CUSTOMER_CREDENTIALS },
  );
  state.addPrincipal(VENDOR_PRINCIPAL_ARN);
  state.addPrincipal(CUSTOMER_PRINCIPAL_ARN);

  // Served as given (a bad override is refused at CreateStack, as CloudFormation would).
  const templates = new Map<string, unknown>([
    [TEMPLATE_PATH, options.template ?? buildRoleTemplate({ preset: 'standard' })],
    [RESTRICTED_TEMPLATE_PATH, buildRoleTemplate({ preset: 'restricted' })],
  ]);
  const server = createServer({ keepAliveTimeout: 5000 });
  const sockets = new Set<Socket>();
  let port = 0;

  const loadTemplate = (address: string): CloudFormationTemplate | undefined => {
    let parsed: URL;
    try {
      parsed = new URL(address);
    } catch {
      return undefined;
    }
    const local = parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost';
    if (!local || parsed.port !== String(port) || parsed.protocol !== 'http:') return undefined;
    const template = templates.get(parsed.pathname);
    return template === undefined ? undefined : parseTemplate(template);
  };

  let apiCalls = 0;
  const awsContext: AwsApiContext = {
    state,
    credentials,
    clock,
    timing,
    scenario: () => scenario,
    isThrottled: () => ++apiCalls % throttleEvery === 0,
    loadTemplate,
    enforceRolePermissions: options.enforceRolePermissions ?? true,
  };
  const controlContext: ControlContext = {
    scenario: () => scenario,
    setScenario: (next) => setScenario(next),
    info: () => sandboxInfo(),
  };

  const consoleContext: ConsoleContext = {
    state,
    now: () => clock.now(),
    scenario: () => scenario,
    timing,
    loadTemplate,
    signedInAccount: CUSTOMER_ACCOUNT_ID,
    accounts: CONSOLE_ACCOUNTS,
  };

  async function route(req: IncomingMessage, body: Buffer): Promise<SandboxResponse> {
    const method = req.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      return htmlResponse(400, plainPage('Bad request', 'The request target is not a valid URL.'));
    }
    if (url.pathname === '/' && (method === 'POST' || url.searchParams.has('Action'))) {
      return handleAwsRequest(method, url, req.headers, body, awsContext);
    }
    const snsResponse = snsParts.handleRequest(method, url, body);
    if (snsResponse) return snsResponse;
    const template = templates.get(url.pathname);
    if (template !== undefined && (method === 'GET' || method === 'HEAD')) {
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: `${JSON.stringify(template, null, 2)}\n`,
      };
    }
    // Another site's page may not post to the console or the control endpoint (no CSRF):
    // browsers send Origin with every cross-origin POST; tests and scripts send none.
    const requestOrigin = req.headers.origin;
    if (method === 'POST' && requestOrigin !== undefined && !ownOrigins().includes(requestOrigin)) {
      return htmlResponse(
        403,
        plainPage('Request refused', 'The sandbox accepts forms from its own pages only.'),
      );
    }
    if (url.pathname === '/_sandbox' || url.pathname.startsWith('/_sandbox/')) {
      return handleControlRequest(method, url, req.headers, body, controlContext);
    }
    const consoleResponse = handleConsoleRequest(method, url, req.headers, body, consoleContext);
    if (consoleResponse) return consoleResponse;
    if (url.pathname === '/' && (method === 'GET' || method === 'HEAD')) {
      return htmlResponse(200, sandboxIndexPage(TEMPLATE_PATH));
    }
    return htmlResponse(404, plainPage('Not found', 'There is nothing at this address.'));
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    res.on('error', () => undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (tooLarge) {
        writeResponse(res, tooLargeResponse(maxBodyBytes));
        return;
      }
      // A failure to write (a header Node refuses) is answered like a failure to route.
      route(req, Buffer.concat(chunks))
        .then((response) => writeResponse(res, response, { head: req.method === 'HEAD' }))
        .catch((error: unknown) => {
          console.error('[cloud-connect-sandbox] unexpected error', error);
          writeResponse(res, htmlResponse(500, plainPage('Internal error', 'The sandbox failed.')));
        });
    });
  }

  function sandboxInfo() {
    return {
      url: origin(),
      consoleBaseUrl: origin(),
      templateUrl: `${origin()}${TEMPLATE_PATH}`,
      vendorPrincipalArn: VENDOR_PRINCIPAL_ARN,
      vendorAccessKeyId: VENDOR_CREDENTIALS.accessKeyId,
      customerAccountId: CUSTOMER_ACCOUNT_ID,
      signedInAccount: consoleContext.signedInAccount,
      scenario,
      timing,
    };
  }

  function origin(): string {
    return `http://127.0.0.1:${port}`;
  }

  // The sandbox answers on 127.0.0.1 and, for browsers that prefer it, on localhost.
  function ownOrigins(): string[] {
    return [origin(), origin().replace('127.0.0.1', 'localhost')];
  }

  function setScenario(next: SandboxScenario): void {
    scenario = checkScenario(next);
    apiCalls = 0;
  }

  server.on('request', onRequest);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket: Socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  // Stack progress is lazy, but a custom resource request must go out when its turn comes even
  // if nobody looks at the stack: while a stack waits for one, settle it every few ms.
  const driver = setInterval(() => {
    if (state.waitsForCustomResources()) state.settle(clock.now());
  }, SETTLE_INTERVAL_MS);
  driver.unref();

  let closing: Promise<void> | undefined;
  let markClosed = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  const customer = createCustomer({
    console: consoleContext,
    clock,
    consoleOrigins: ownOrigins,
    closed,
  });
  return {
    url: origin(),
    consoleBaseUrl: origin(),
    templateUrl: `${origin()}${TEMPLATE_PATH}`,
    vendorCredentials: { ...VENDOR_CREDENTIALS },
    vendorPrincipalArn: VENDOR_PRINCIPAL_ARN,
    customerAccountId: CUSTOMER_ACCOUNT_ID,
    customerCredentials: { ...CUSTOMER_CREDENTIALS },
    timing,
    get scenario() {
      return scenario;
    },
    customer,
    sns: snsParts.sns,
    setScenario,
    close() {
      markClosed();
      clearInterval(driver);
      snsParts.close();
      closing ??= new Promise<void>((resolve) => {
        // libuv releases the listening handle one loop turn after 'close': wait for it too.
        server.close(() => setTimeout(resolve, 0));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

function checkScenario(value: unknown): SandboxScenario {
  if (!isSandboxScenario(value)) {
    throw new TypeError(
      `Unknown sandbox scenario ${JSON.stringify(value)}. Use one of: ${SANDBOX_SCENARIOS.join(', ')}.`,
    );
  }
  return value;
}
