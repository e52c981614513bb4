import {
  type Blocker,
  type CallOptions,
  type CheckConnectionResponse,
  type CheckRevocationResponse,
  type ConnectionCheck,
  type CreateSessionResponse,
  DEFAULT_ROLE_NAME,
  DEFAULT_STACK_NAME,
  type GetConnectionResponse,
  type ListBlockersResponse,
  type MessageOverrides,
  messageFor,
  parseAccountId,
  type RevocationCheck,
} from '@porter/cloud-connect';
import { TEMPLATE_VERSION } from '@porter/cloud-connect/template';
import type { ConnectionVerifier, RoleTarget } from './connection-verifier';
import { createConnectionsRoutes } from './connections-routes';
import { type Coordination, createInProcessCoordination } from './coordination';
import { generateExternalId } from './external-id';
import { validateHandlerOptions } from './handler-options';
import { type Logger, silentLogger } from './logger';
import type { RateLimitOptions } from './rate-limit';
import { BodyAlreadyReadError, DEFAULT_MAX_BODY_BYTES, readJsonObject } from './request-body';
import { toConnection, toConnectSession } from './session-view';
import {
  createStackEvents,
  type PendingVerificationRun,
  type StackEvents,
  type StackEventsConfig,
} from './stack-events/stack-events';
import { StoreUnavailableError } from './store-unavailable-error';
import type { ConnectionStore, SessionRecord } from './stores/connection-store';
import { UpstreamError } from './upstream-error';
import { errorResponse, jsonResponse } from './wire-errors';
import { type WireMessageOverrides, wireMessage } from './wire-messages';

/** The handler's fixed settings: where stacks go and what the quick-create link carries. */
export interface CloudConnectHandlerConfig {
  /** The region sessions are created in (`us-east-1` unless the host picks another). */
  region: string;
  /** The role template's URL (S3 of the region's partition, or an allowed origin). */
  templateUrl: string;
  /** The vendor principal the customer's role trusts (the template's `TrustedPrincipalArn`). */
  trustedPrincipalArn: string;
  /** @default 'PorterRole' */
  stackName?: string;
  /** @default 'porter-manager' */
  roleName?: string;
  /** An origin standing in for the AWS console (the sandbox). */
  consoleBaseUrl?: string;
  /** Template origins accepted besides S3 (the sandbox's `http://127.0.0.1:<port>`). */
  allowedTemplateOrigins?: readonly string[];
  /** Routes are matched under this path, e.g. `/api/cloud-connect`. @default '' */
  basePath?: string;
  /** Per-tenant request budget. @default { requestsPerMinute: 120, burst: 30 } */
  rateLimit?: RateLimitOptions;
  /** The largest request body read. @default 16384 */
  maxBodyBytes?: number;
  /**
   * The role template version stacks should run; a connection whose stack reported an older one
   * is listed with `updateDue: true`. Set it with the verifier's `templateVersion` when you serve
   * your own template. @default core's TEMPLATE_VERSION
   */
  templateVersion?: string;
  /**
   * Stack events (opt-in): links carry the event parameters of the `-events` template, and
   * `POST {basePath}/events` takes the SNS subscription's notifications. See docs/server.md.
   */
  events?: StackEventsConfig;
}

/** Who is asking, as the host's `authenticate` decides. */
export interface Tenant {
  tenantId: string;
}

/** Options of {@link createCloudConnectHandler}. */
export interface CloudConnectHandlerOptions {
  verifier: ConnectionVerifier;
  store: ConnectionStore;
  /** The tenant of a request, or null (then the answer is 401). A throw counts as null. */
  authenticate(request: Request): Promise<Tenant | null>;
  /** What must go before the tenant revokes access to an account (its clusters there). */
  listBlockers(
    input: { tenantId: string; accountId: string },
    opts?: CallOptions,
  ): Promise<Blocker[]>;
  config: CloudConnectHandlerConfig;
  logger?: Logger;
  /** Overrides for catalog messages (account ID errors, 401, 429). */
  messages?: MessageOverrides;
  /** Overrides for the developer-facing messages of other error bodies. */
  wireMessages?: WireMessageOverrides;
  /** The clock for timestamps and the rate limit. @default Date.now */
  now?: () => number;
  /**
   * Where shared checks and rate-limit budgets live. Several instances behind a load balancer
   * pass one shared coordination (e.g. `createPostgresCoordination`), so they make one AWS call
   * per check and hold each tenant to one budget between them.
   * @default createInProcessCoordination({ now })
   */
  coordination?: Coordination;
}

/** A Fetch-API request handler: works with Next.js, Hono, Bun, Deno, workers, and Node via `toNodeListener`. */
export type CloudConnectHandler = (request: Request) => Promise<Response>;

/** What `createCloudConnectHandler` returns: the handler, and its background work for stack events. */
export interface CloudConnectHandlerWithEvents extends CloudConnectHandler {
  /**
   * With `config.events`: checks every session CloudFormation had news of (a role created: verify
   * and record it connected; a stack deleted: confirm revocation), so connections complete with
   * no browser watching. The internal timer calls it unless `events.backgroundIntervalMs` is 0;
   * a host's scheduler may call it too. Without events it does nothing.
   */
  runPendingVerifications(): Promise<PendingVerificationRun>;
  /** Stops the stack events timer and waits for background checks under way. */
  close(): Promise<void>;
}

type RouteName =
  | 'sessions'
  | 'sessionCheck'
  | 'blockers'
  | 'revocationCheck'
  | 'connection'
  | 'connections'
  | 'connectionByAccount'
  | 'events';

interface RouteMatch {
  name: RouteName;
  method: 'GET' | 'POST';
  sessionId?: string;
  accountId?: string;
}

// Session ids are UUIDs we minted; anything else cannot name a session.
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The server half of the wire protocol (docs/server.md). The tenant always comes
 * from `authenticate`, the ExternalId is always minted here, and every lookup is scoped to the
 * tenant, so one tenant can never see or check another's session.
 *
 * @example
 * const handler = createCloudConnectHandler({
 *   verifier: createAwsVerifier({ region: 'us-east-1' }),
 *   store: createSqliteStore('./cloud-connect.sqlite'),
 *   authenticate: async (request) => ({ tenantId: await tenantFromCookie(request) }),
 *   listBlockers: async ({ tenantId, accountId }) => clustersIn(tenantId, accountId),
 *   config: { region: 'us-east-1', templateUrl, trustedPrincipalArn, basePath: '/api/cloud-connect' },
 * });
 */
export function createCloudConnectHandler(
  options: CloudConnectHandlerOptions,
): CloudConnectHandlerWithEvents {
  validateHandlerOptions(options);
  const { verifier, store, config } = options;
  const messages = options.messages;
  const wireMessages = options.wireMessages;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const region = config.region;
  const stackName = config.stackName ?? DEFAULT_STACK_NAME;
  const roleName = config.roleName ?? DEFAULT_ROLE_NAME;
  const basePath = normaliseBasePath(config.basePath ?? '');
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const coordination = options.coordination ?? createInProcessCoordination({ now });
  const connections = createConnectionsRoutes({
    store,
    templateVersion: config.templateVersion ?? TEMPLATE_VERSION,
    messages,
    wireMessages,
  });
  const iso = () => new Date(now()).toISOString();
  // The functions it calls are declarations below (hoisted); it calls them only per request.
  const stackEvents: StackEvents | undefined =
    config.events &&
    createStackEvents({
      config: config.events,
      store,
      logger,
      now,
      verify: (record) => sharedCheck(record),
      confirmRevocation: (record) => sharedRevocationCheck(record),
      stackFailedMessage: () => messageFor('error.STACK_FAILED', undefined, messages),
    });

  const notFound = (id: 'notFound' | 'sessionNotFound') =>
    errorResponse('NOT_FOUND', wireMessage(id, undefined, wireMessages));
  const invalidAccountId = (message: string) => errorResponse('INVALID_ACCOUNT_ID', message);

  async function createSession(tenantId: string, request: Request): Promise<Response> {
    const body = await readJsonObject(request, maxBodyBytes, wireMessages);
    if (!body.ok) return body.response;
    const parsed = parseAccountId(body.value.accountId, messages);
    if (!parsed.ok) return invalidAccountId(parsed.message);

    // A reload or a second tab gets the ExternalId the customer's stack may already trust.
    const record =
      (await store.findByAccount(tenantId, parsed.accountId)) ??
      (await insertSession(tenantId, parsed.accountId));
    return jsonResponse<CreateSessionResponse>(201, {
      session: toConnectSession(record, config, await stackEvents?.linkParameters(record)),
    });
  }

  async function insertSession(tenantId: string, accountId: string): Promise<SessionRecord> {
    const at = iso();
    // A tab racing this one may insert first: then its record, and its ExternalId, is the one kept.
    const { record, inserted } = await store.insertIfAbsent({
      tenantId,
      sessionId: crypto.randomUUID(),
      accountId,
      externalId: generateExternalId(),
      region,
      stackName,
      roleName,
      createdAt: at,
      status: 'pending',
      updatedAt: at,
    });
    if (inserted) {
      logger.info?.('Cloud Connect session created', {
        tenantId,
        accountId,
        sessionId: record.sessionId,
      });
    }
    return record;
  }

  async function checkSession(
    tenantId: string,
    sessionId: string,
    request: Request,
  ): Promise<Response> {
    const body = await readJsonObject(request, maxBodyBytes, wireMessages);
    if (!body.ok) return body.response;
    const record = await store.findBySession(tenantId, sessionId);
    if (!record) return notFound('sessionNotFound');

    const check = await sharedCheck(record, request.signal);
    return jsonResponse<CheckConnectionResponse>(200, { check });
  }

  function sharedCheck(
    record: SessionRecord,
    callerSignal?: AbortSignal,
  ): Promise<ConnectionCheck> {
    return coordination.singleFlight<ConnectionCheck>(
      `connection\u0000${record.tenantId}\u0000${record.sessionId}`,
      async (signal): Promise<ConnectionCheck> => {
        const check = await verifyAndRecord(record, signal);
        return stackEvents ? stackEvents.decorateCheck(record, check) : check;
      },
      callerSignal,
    );
  }

  // Runs once per shared check, so the store sees one update however many tabs asked.
  async function verifyAndRecord(record: SessionRecord, signal: AbortSignal) {
    const { tenantId, sessionId } = record;
    const result = await verifier.checkConnection(targetOf(record), { signal, logger });
    const checkedAt = iso();
    if (result.status === 'connected') {
      await store.updateStatus(tenantId, sessionId, {
        status: 'connected',
        roleArn: result.roleArn,
        verifiedAt: result.verifiedAt,
        ...(result.templateVersion !== undefined && { templateVersion: result.templateVersion }),
        lastCheck: { checkedAt, status: 'connected' },
        updatedAt: checkedAt,
      });
    } else if (record.status === 'connected' && result.status === 'pending') {
      // A connection's health: the role could not be assumed this time (it stays listed until revoked).
      await store.recordCheck(tenantId, sessionId, { checkedAt, status: 'pending' });
    } else if (result.status === 'failed' && result.code === 'EXTERNAL_ID_NOT_ENFORCED') {
      // A role that no longer insists on its ExternalId must not stay recorded as connected.
      const current = await store.findBySession(tenantId, sessionId);
      if (current?.status === 'connected') {
        await store.updateStatus(tenantId, sessionId, {
          status: 'pending',
          lastCheck: { checkedAt, status: 'failed' },
          updatedAt: checkedAt,
        });
      }
    } else if (record.status === 'connected') {
      await store.recordCheck(tenantId, sessionId, { checkedAt, status: 'failed' });
    }
    logger.debug?.('Connection checked', { tenantId, sessionId, status: result.status });
    return result;
  }

  async function listTenantBlockers(
    tenantId: string,
    url: URL,
    request: Request,
  ): Promise<Response> {
    const parsed = parseAccountId(url.searchParams.get('accountId'), messages);
    if (!parsed.ok) return invalidAccountId(parsed.message);
    const blockers = await options.listBlockers(
      { tenantId, accountId: parsed.accountId },
      { signal: request.signal },
    );
    return jsonResponse<ListBlockersResponse>(200, { blockers });
  }

  async function checkRevocation(tenantId: string, request: Request): Promise<Response> {
    const body = await readJsonObject(request, maxBodyBytes, wireMessages);
    if (!body.ok) return body.response;
    const parsed = parseAccountId(body.value.accountId, messages);
    if (!parsed.ok) return invalidAccountId(parsed.message);
    const record = await store.findByAccount(tenantId, parsed.accountId);
    if (!record) {
      return errorResponse(
        'NOT_FOUND',
        wireMessage('connectionNotFound', { accountId: parsed.accountId }, wireMessages),
      );
    }

    const check = await sharedRevocationCheck(record, request.signal);
    return jsonResponse<CheckRevocationResponse>(200, { check });
  }

  function sharedRevocationCheck(
    record: SessionRecord,
    callerSignal?: AbortSignal,
  ): Promise<RevocationCheck> {
    const { tenantId } = record;
    return coordination.singleFlight<RevocationCheck>(
      `revocation\u0000${tenantId}\u0000${record.sessionId}`,
      async (signal) => {
        const result = await verifier.checkRevocation(targetOf(record), { signal, logger });
        // Only a verified connection can be revoked: a session never connected stays as it is.
        const current = await store.findBySession(tenantId, record.sessionId);
        if (current?.status === 'connected' && result.status === 'revoked') {
          await store.updateStatus(tenantId, record.sessionId, {
            status: 'revoked',
            updatedAt: iso(),
          });
        } else if (
          current?.status === 'connected' &&
          result.status === 'failed' &&
          result.code === 'EXTERNAL_ID_NOT_ENFORCED'
        ) {
          // As for checks: a role that no longer insists on its ExternalId is not a connection.
          await store.updateStatus(tenantId, record.sessionId, {
            status: 'pending',
            updatedAt: iso(),
          });
        }
        logger.debug?.('Revocation checked', {
          tenantId,
          sessionId: record.sessionId,
          status: result.status,
        });
        return result;
      },
      callerSignal,
    );
  }

  async function getConnection(tenantId: string): Promise<Response> {
    return jsonResponse<GetConnectionResponse>(200, {
      connection: toConnection(await store.findConnection(tenantId)),
    });
  }

  async function authenticate(request: Request): Promise<string | null> {
    try {
      const tenant = await options.authenticate(request);
      const tenantId = tenant?.tenantId;
      return typeof tenantId === 'string' && tenantId !== '' ? tenantId : null;
    } catch (error) {
      // Many token libraries throw on a malformed token: that is a refused sign-in, not a crash.
      logger.warn?.('authenticate threw; answering 401', { errorName: nameOf(error) });
      return null;
    }
  }

  async function dispatch(request: Request): Promise<Response> {
    // A Request's url is always absolute and valid: the constructor refuses anything else.
    const url = new URL(request.url);
    const route = matchRoute(basePath, url.pathname);
    if (route === 'not-found' || (route.name === 'events' && !stackEvents)) {
      return notFound('notFound');
    }
    if (route.method !== request.method) {
      return errorResponse(
        'METHOD_NOT_ALLOWED',
        wireMessage(
          'methodNotAllowed',
          { method: request.method, allowed: route.method },
          wireMessages,
        ),
        { allow: route.method },
      );
    }

    // SNS signs what it delivers: the route checks that signature instead of a tenant's sign-in.
    if (route.name === 'events' && stackEvents) return stackEvents.handle(request);

    const tenantId = await authenticate(request);
    if (tenantId === null) {
      return errorResponse('UNAUTHORIZED', messageFor('error.UNAUTHORIZED', undefined, messages));
    }
    const decision = await coordination.takeToken(tenantId, config.rateLimit);
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      return errorResponse('RATE_LIMITED', messageFor('error.RATE_LIMITED', undefined, messages), {
        'retry-after': String(seconds),
      });
    }

    switch (route.name) {
      case 'sessions':
        return createSession(tenantId, request);
      case 'sessionCheck':
        // A malformed id cannot name any session: the same 404 as another tenant's id.
        if (!route.sessionId || !SESSION_ID.test(route.sessionId))
          return notFound('sessionNotFound');
        return checkSession(tenantId, route.sessionId, request);
      case 'blockers':
        return listTenantBlockers(tenantId, url, request);
      case 'revocationCheck':
        return checkRevocation(tenantId, request);
      case 'connection':
        return getConnection(tenantId);
      case 'connections':
        return connections.listConnections(tenantId, url);
      case 'connectionByAccount':
        return connections.getConnectionByAccount(tenantId, route.accountId ?? '');
      case 'events':
        return notFound('notFound');
    }
  }

  const handler = async (request: Request): Promise<Response> => {
    try {
      return await dispatch(request);
    } catch (error) {
      if (request.signal.aborted) {
        // The client went away mid-check; nobody reads this answer.
        logger.debug?.('Request aborted by the client');
        return errorResponse('INTERNAL', wireMessage('internal', undefined, wireMessages));
      }
      if (error instanceof BodyAlreadyReadError) {
        // The host's wiring, not the client: the message says what to change.
        logger.error?.(error.message, {
          errorName: error.name,
          path: new URL(request.url).pathname,
        });
        return errorResponse('INTERNAL', wireMessage('internal', undefined, wireMessages));
      }
      if (error instanceof StoreUnavailableError) {
        // The message is ours (it names the failure, never a connection string or query).
        logger.warn?.('The session store is unavailable', { reason: error.message });
        return errorResponse('UNAVAILABLE', wireMessage('unavailable', undefined, wireMessages), {
          'retry-after': '1',
        });
      }
      if (error instanceof UpstreamError) {
        logger.warn?.('AWS gave an unexpected answer', {
          awsErrorName: error.awsErrorName,
          requestId: error.requestId,
        });
        return errorResponse('UPSTREAM', wireMessage('upstream', undefined, wireMessages));
      }
      // Only the error's name is logged: messages of host callbacks may carry anything.
      logger.error?.('Cloud Connect handler failed', { errorName: nameOf(error) });
      return errorResponse('INTERNAL', wireMessage('internal', undefined, wireMessages));
    }
  };
  return Object.assign(handler, {
    runPendingVerifications: async () =>
      stackEvents
        ? stackEvents.runPendingVerifications()
        : { checked: 0, connected: 0, revoked: 0 },
    close: async () => stackEvents?.close(),
  });
}

function targetOf(record: SessionRecord): RoleTarget {
  return {
    accountId: record.accountId,
    externalId: record.externalId,
    region: record.region,
    roleName: record.roleName,
    stackName: record.stackName,
  };
}

function matchRoute(basePath: string, pathname: string): RouteMatch | 'not-found' {
  if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return 'not-found';
  const rest = pathname.slice(basePath.length).replace(/\/$/, '');
  const segments = rest.split('/').slice(1);
  const [first, second, third, ...more] = segments;
  if (more.length > 0) return 'not-found';
  if (first === 'sessions' && second === undefined) return { name: 'sessions', method: 'POST' };
  if (first === 'sessions' && second !== undefined && third === 'check') {
    return { name: 'sessionCheck', method: 'POST', sessionId: decodeSegment(second) };
  }
  if (third !== undefined) return 'not-found';
  if (first === 'blockers' && second === undefined) return { name: 'blockers', method: 'GET' };
  if (first === 'revocation' && second === 'check')
    return { name: 'revocationCheck', method: 'POST' };
  if (first === 'connection' && second === undefined) return { name: 'connection', method: 'GET' };
  if (first === 'connections' && second === undefined) {
    return { name: 'connections', method: 'GET' };
  }
  if (first === 'connections') {
    return { name: 'connectionByAccount', method: 'GET', accountId: decodeSegment(second ?? '') };
  }
  if (first === 'events' && second === undefined) return { name: 'events', method: 'POST' };
  return 'not-found';
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

function normaliseBasePath(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
