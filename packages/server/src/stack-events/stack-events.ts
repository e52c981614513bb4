import type { ConnectionCheck, RevocationCheck } from '@porter/cloud-connect';
import type { Logger } from '../logger';
import { readCapped } from '../request-body';
import type { ConnectionStore, SessionRecord } from '../stores/connection-store';
import { jsonResponse } from '../wire-errors';
import {
  accountOfStackId,
  answerSuccess,
  type CustomResourceRequest,
  isResponseUrl,
  parseCustomResourceRequest,
} from './custom-resource';
import { eventTokenFor, isEventToken } from './event-token';
import {
  createCertificateSource,
  hasValidSignature,
  isSnsUrl,
  parseSnsMessage,
  type SnsHostRule,
  type SnsMessage,
  snsHostOf,
} from './sns-message';
import {
  applyStackEvent,
  createMemoryStackEventStore,
  type StackEvent,
  type StackEventState,
  type StackEventStore,
} from './stack-event-store';

/**
 * Stack events (opt-in): CloudFormation tells the server, through SNS, when the customer's stack
 * starts, when the role exists, and when either is deleted (a rollback, or DeleteStack).
 */
export interface StackEventsConfig {
  /**
   * The SNS topic of each region sessions are created in (`{ 'us-east-1': 'arn:aws:sns:...' }`):
   * CloudFormation only publishes to a topic of the stack's region.
   */
  topics: Readonly<Record<string, string>>;
  /**
   * The key of the per-session event token (HMAC-SHA256 of the session id): at least 32
   * characters of random, kept like any secret. Changing it breaks the events of stacks made
   * from older links (their checks fall back to polling), never their connection.
   */
  tokenSecret: string;
  /** Where events and seen message ids are kept. @default createMemoryStackEventStore() */
  store?: StackEventStore;
  /**
   * How often sessions with news are re-checked without a browser (a role created: verify until
   * IAM propagated; a stack deleted: confirm revocation). 0 switches the timer off; the host then
   * calls `runPendingVerifications()` from its own scheduler. @default 5000
   */
  backgroundIntervalMs?: number;
  /** Notifications older than this are refused as replays. @default 3600000 */
  maxMessageAgeMs?: number;
  /** The fetch used for signing certificates, SubscribeURLs and ResponseURLs. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * The sandbox's origin (a loopback `http://127.0.0.1:<port>`): its signing certificate,
   * SubscribeURL and ResponseURL are then accepted besides AWS's. Never set in production.
   */
  sandboxOrigin?: string;
}

/** What one `runPendingVerifications()` did. */
export interface PendingVerificationRun {
  /** Sessions checked. */
  checked: number;
  /** Sessions found connected (now recorded). */
  connected: number;
  /** Connections found revoked (now recorded). */
  revoked: number;
}

/** What the handler lends the stack events: its store, its checks and its log. */
export interface StackEventsDependencies {
  config: StackEventsConfig;
  store: ConnectionStore;
  logger: Logger;
  now: () => number;
  /** One shared AWS check of a session, recorded as the browser's checks are. */
  verify(record: SessionRecord): Promise<ConnectionCheck>;
  /** One shared revocation check of a connected session, recorded likewise. */
  confirmRevocation(record: SessionRecord): Promise<RevocationCheck>;
  /** The STACK_FAILED message in the host's language. */
  stackFailedMessage(): string;
}

const DEFAULT_MAX_MESSAGE_AGE_MS = 3_600_000;
// SNS may deliver a moment before our clock says the message was published.
const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_NOTIFICATION_BYTES = 64 * 1024;
const RESPONSE_TIMEOUT_MS = 5_000;
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STACK_EVENTS = ['stack-started', 'role-created'] as const;

type Outcome = { status: number; body: Record<string, string> };

/** The stack events part of the handler: the SNS route, link parameters, checks and background work. */
export function createStackEvents(deps: StackEventsDependencies) {
  const { config, store, logger, now } = deps;
  const events = config.store ?? createMemoryStackEventStore();
  const fetchFn = config.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const certificates = createCertificateSource(fetchFn);
  const maxAgeMs = config.maxMessageAgeMs ?? DEFAULT_MAX_MESSAGE_AGE_MS;
  const intervalMs = config.backgroundIntervalMs ?? 5_000;
  const topicArns = new Set(Object.values(config.topics));
  let timer: ReturnType<typeof setInterval> | undefined;
  const running = new Set<Promise<unknown>>();

  /** The quick-create parameters of a session's link, remembering who it belongs to. */
  async function linkParameters(record: SessionRecord): Promise<Record<string, string>> {
    const topic = config.topics[record.region];
    if (!topic) return {};
    await events.rememberSession({
      sessionId: record.sessionId,
      tenantId: record.tenantId,
      accountId: record.accountId,
    });
    return {
      CloudConnectSessionId: record.sessionId,
      CloudConnectEventToken: await eventTokenFor(config.tokenSecret, record.sessionId),
      CloudConnectEventTopicArn: topic,
    };
  }

  /**
   * A browser's check seen through the events: a stack CloudFormation deleted before any
   * connection is STACK_FAILED (once: launching again starts clean); a stack still being
   * created says so. AssumeRole alone decides `connected`.
   */
  async function decorateCheck(
    record: SessionRecord,
    check: ConnectionCheck,
  ): Promise<ConnectionCheck> {
    if (check.status !== 'pending' || check.reason !== 'not-assumable') return check;
    const state = await events.stateOf(record.sessionId);
    if (!state) return check;
    if (state.phase !== 'deleted') return { ...check, reason: 'creating' };
    if (state.failureReported || record.status !== 'pending') return check;
    // Two checks at once (two tabs, two instances): the one that marks it reports it.
    const marked = await events.updateState(record.sessionId, (current) =>
      current?.phase === 'deleted' && !current.failureReported
        ? { ...current, failureReported: true }
        : null,
    );
    if (!marked) return check;
    return { status: 'failed', code: 'STACK_FAILED', message: deps.stackFailedMessage() };
  }

  async function handle(request: Request): Promise<Response> {
    const outcome = await receive(request);
    return jsonResponse(outcome.status, outcome.body);
  }

  async function receive(request: Request): Promise<Outcome> {
    const text = await readText(request).catch(() => null);
    if (text === null) return refused(413, 'too-large');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return refused(400, 'not-json');
    }
    const message = parseSnsMessage(body);
    if (!message) return refused(400, 'not-an-sns-message');
    // Whatever is refused below, a custom resource request in it is answered: the customer's
    // stack must not fail or wait because of what the vendor's server made of the message.
    const refuse = async (status: number, reason: string) => {
      await answer(message, `Cloud Connect ignored this event (${reason}).`);
      return refused(status, reason);
    };
    if (!topicArns.has(message.TopicArn)) return refuse(403, 'unknown-topic');
    const rule: SnsHostRule = {
      snsHost: snsHostOf(message.TopicArn) ?? '',
      sandboxOrigin: config.sandboxOrigin,
    };
    if (!isSnsUrl(message.SigningCertURL, rule, /\.pem$/)) return refuse(403, 'certificate-host');
    const published = Date.parse(message.Timestamp);
    const at = now();
    if (!(published > at - maxAgeMs && published < at + CLOCK_SKEW_MS)) return refuse(403, 'stale');
    if (!(await hasValidSignature(message, certificates, at).catch(() => false))) {
      return refuse(403, 'signature');
    }
    if (
      !(await events.firstDelivery(message.MessageId, published + maxAgeMs + CLOCK_SKEW_MS, at))
    ) {
      return refuse(200, 'duplicate');
    }

    if (message.Type === 'SubscriptionConfirmation') return confirm(message, rule);
    if (message.Type === 'UnsubscribeConfirmation') return accepted('unsubscribed');
    const cr = parseCustomResourceRequest(message.Message);
    if (!cr) return accepted('not-a-stack-event');
    await answer(message, 'Cloud Connect received this event.');
    return record(cr, published);
  }

  async function confirm(message: SnsMessage, rule: SnsHostRule): Promise<Outcome> {
    if (!message.SubscribeURL || !isSnsUrl(message.SubscribeURL, rule)) {
      return refused(403, 'subscribe-url-host');
    }
    try {
      const response = await fetchFn(message.SubscribeURL, { redirect: 'error' });
      await response.body?.cancel().catch(() => {});
      if (!response.ok) throw new Error(`status ${response.status}`);
    } catch (error) {
      logger.warn?.('Could not confirm the SNS subscription', {
        topicArn: message.TopicArn,
        errorName: error instanceof Error ? error.name : typeof error,
      });
      return refused(502, 'confirmation-failed');
    }
    logger.info?.('SNS subscription confirmed', { topicArn: message.TopicArn });
    return accepted('subscribed');
  }

  async function answer(message: SnsMessage, reason: string): Promise<void> {
    if (message.Type !== 'Notification') return;
    const cr = parseCustomResourceRequest(message.Message);
    if (!cr || !isResponseUrl(cr.ResponseURL, config.sandboxOrigin)) return;
    const answered = await answerSuccess(cr, fetchFn, { reason, timeoutMs: RESPONSE_TIMEOUT_MS });
    if (!answered) {
      logger.warn?.('Could not answer a stack event', {
        logicalResourceId: cr.LogicalResourceId,
        requestType: cr.RequestType,
      });
    }
  }

  async function record(cr: CustomResourceRequest, published: number): Promise<Outcome> {
    const properties = cr.ResourceProperties;
    const sessionId = properties.SessionId;
    const event = STACK_EVENTS.find((name) => name === properties.Event);
    if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId) || !event) {
      return accepted('not-a-stack-event');
    }
    if (!(await isEventToken(config.tokenSecret, sessionId, properties.EventToken))) {
      logger.warn?.('Stack event with a wrong token', { sessionId });
      return accepted('wrong-token');
    }
    const session = await events.sessionOf(sessionId);
    if (!session) return accepted('unknown-session');
    if (accountOfStackId(cr.StackId) !== session.accountId) {
      // The link was used in another account: that stack is not this session's.
      logger.warn?.('Stack event from another account than the session', { sessionId });
      return accepted('wrong-account');
    }
    const stackEvent: StackEvent = {
      requestType: cr.RequestType,
      event,
      stackId: cr.StackId,
      at: published,
    };
    const after = await events.updateState(sessionId, (current) => {
      const next = applyStackEvent(current, stackEvent);
      return next === current ? null : next;
    });
    if (!after) return accepted('unchanged');
    logger.info?.('Stack event', {
      sessionId,
      event,
      requestType: cr.RequestType,
      phase: after.phase,
    });
    if (after.followUntil !== undefined) {
      track(follow(sessionId));
      startTimer();
    }
    return accepted('recorded');
  }

  /** One round of background work on a followed session; true when it needs no more. */
  async function follow(sessionId: string): Promise<'connected' | 'revoked' | 'done' | 'pending'> {
    const [session, state] = await Promise.all([
      events.sessionOf(sessionId),
      events.stateOf(sessionId),
    ]);
    if (!session || !state) return 'done';
    const current = await store.findBySession(session.tenantId, sessionId);
    let outcome: 'connected' | 'revoked' | 'done' | 'pending' = 'done';
    if (current && state.phase === 'role-created' && current.status !== 'connected') {
      const check = await deps.verify(current);
      outcome =
        check.status === 'connected' ? 'connected' : check.status === 'failed' ? 'done' : 'pending';
    } else if (current && state.phase === 'deleted' && current.status === 'connected') {
      const check = await deps.confirmRevocation(current);
      outcome =
        check.status === 'revoked' ? 'revoked' : check.status === 'failed' ? 'done' : 'pending';
    }
    if (outcome !== 'pending') await unfollow(sessionId, state);
    return outcome;
  }

  async function unfollow(sessionId: string, seen: StackEventState): Promise<void> {
    // Only if no newer event arrived meanwhile: that one is followed afresh.
    await events.updateState(sessionId, (latest) => {
      if (!latest || latest.followUntil === undefined) return null;
      if (latest.stackId !== seen.stackId || latest.at !== seen.at || latest.phase !== seen.phase) {
        return null;
      }
      const { followUntil: _, ...rest } = latest;
      return rest;
    });
  }

  /**
   * Checks every session with news once: a created role is verified (and recorded connected),
   * a deleted stack's connection confirmed revoked. For a host's scheduler when the internal
   * timer is off (`backgroundIntervalMs: 0`); safe to call at any time.
   */
  async function runPendingVerifications(): Promise<PendingVerificationRun> {
    const run: PendingVerificationRun = { checked: 0, connected: 0, revoked: 0 };
    for (const sessionId of await events.followed(now())) {
      run.checked += 1;
      try {
        const outcome = await follow(sessionId);
        if (outcome === 'connected') run.connected += 1;
        if (outcome === 'revoked') run.revoked += 1;
      } catch (error) {
        logger.warn?.('Background check failed', {
          sessionId,
          errorName: error instanceof Error ? error.name : typeof error,
        });
      }
    }
    return run;
  }

  function track(work: Promise<unknown>): void {
    const settled = work.catch((error: unknown) => {
      logger.warn?.('Background check failed', {
        errorName: error instanceof Error ? error.name : typeof error,
      });
    });
    running.add(settled);
    void settled.finally(() => running.delete(settled));
  }

  function startTimer(): void {
    if (intervalMs <= 0 || timer !== undefined) return;
    timer = setInterval(() => {
      track(
        runPendingVerifications().then(async (run) => {
          if (run.checked === 0 && (await events.followed(now())).length === 0) stopTimer();
        }),
      );
    }, intervalMs);
    // A Node process does not stay alive for this timer alone.
    (timer as { unref?: () => void }).unref?.();
  }

  function stopTimer(): void {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  }

  /** Stops the timer and waits for background checks under way (tests, graceful shutdown). */
  async function close(): Promise<void> {
    stopTimer();
    while (running.size > 0) await Promise.all(running);
  }

  return { handle, linkParameters, decorateCheck, runPendingVerifications, close };
}

/** The stack events part of a handler. */
export type StackEvents = ReturnType<typeof createStackEvents>;

function refused(status: number, reason: string): Outcome {
  return { status, body: { status: status === 200 ? 'ignored' : 'refused', reason } };
}

function accepted(reason: string): Outcome {
  return {
    status: 200,
    body: { status: reason === 'recorded' || reason === 'subscribed' ? 'ok' : 'ignored', reason },
  };
}

async function readText(request: Request): Promise<string | null> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_NOTIFICATION_BYTES) return null;
  const bytes = await readCapped(request.body, MAX_NOTIFICATION_BYTES);
  return bytes === 'too-large' ? null : new TextDecoder().decode(bytes);
}
