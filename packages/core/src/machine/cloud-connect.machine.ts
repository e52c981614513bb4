import { assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import { parseAccountId } from '../account-id';
import {
  type Blocker,
  type ConnectBackend,
  type ConnectionCheck,
  type ConnectSession,
  honouredRetryAfter,
  type RevocationCheck,
  toErrorDetail,
} from '../backend';
import { type CloudConnectErrorCode, type ErrorInfo, errorInfo, isErrorCode } from '../errors';
import { type ActorSystemOf, dependenciesOf } from './actor-dependencies';
import type {
  CloudConnectContext,
  CloudConnectEmitted,
  CloudConnectEvent,
  CloudConnectInput,
  CloudConnectState,
} from './cloud-connect.types';
import { SNAPSHOT_VERSION } from './snapshot';
import { nextCheckDelay, resolveTiming } from './timing';

// Codes a failed session creation reports as they are; anything else is SESSION_FAILED.
const SESSION_CODES: readonly unknown[] = [
  'NETWORK',
  'UNAUTHORIZED',
  'RATE_LIMITED',
  'INVALID_ACCOUNT_ID',
  'MISCONFIGURED',
];

const codeOf = (error: unknown) => (error as { code?: unknown } | null)?.code;

// The plain-data error for anything a backend threw; unknown errors become `fallback`.
function toErrorInfo(error: unknown, fallback: CloudConnectErrorCode): ErrorInfo {
  const code = codeOf(error);
  if (!isErrorCode(code)) return errorInfo(fallback);
  const message = error instanceof Error && error.message ? error.message : undefined;
  return errorInfo(code, message, undefined, toErrorDetail((error as { detail?: unknown }).detail));
}

// A server's Retry-After, carried by the HTTP backend's errors as `retryAfterMs` (at most an hour).
function retryAfterOf(error: unknown): number | null {
  return honouredRetryAfter((error as { retryAfterMs?: unknown } | null)?.retryAfterMs) ?? null;
}

// A thrown error during polling is a check result: retryable ones mean "try again later".
function checkFromError(error: unknown): ConnectionCheck {
  const info = toErrorInfo(error, 'NETWORK');
  if (!info.retryable) {
    const { code, message, detail } = info;
    return { status: 'failed', code, message, ...(detail && { detail }) };
  }
  const retryAfterMs = retryAfterOf(error);
  return {
    status: 'pending',
    reason: info.code === 'RATE_LIMITED' ? 'throttled' : 'network',
    ...(retryAfterMs === null ? {} : { retryAfterMs }),
  };
}

// The error a failed check reports (its own message, else the catalog's); null for other checks.
function failureOf(check: ConnectionCheck | RevocationCheck | null): ErrorInfo | null {
  return check?.status === 'failed'
    ? errorInfo(check.code, check.message || undefined, undefined, toErrorDetail(check.detail))
    : null;
}

// A failed check that waiting cannot fix.
const isFatal = (check: ConnectionCheck | RevocationCheck | null) =>
  failureOf(check)?.retryable === false;

const launchedWithBlockedPopup = (event: CloudConnectEvent) =>
  event.type === 'STACK.LAUNCHED' && event.popupBlocked === true;

// The account being revoked: the connection's when the machine started on one.
const accountOf = (context: CloudConnectContext) =>
  context.connection?.accountId ?? context.accountId;

function initialContext(input: CloudConnectInput = {}): CloudConnectContext {
  const connection = input.connection ?? null;
  const context: CloudConnectContext = {
    snapshotVersion: SNAPSHOT_VERSION,
    accountId:
      connection?.accountId ?? (typeof input.accountId === 'string' ? input.accountId : ''),
    accountIdError: null,
    region: input.region ?? null,
    session: null,
    attempts: 0,
    lastCheck: null,
    lastRevocationCheck: null,
    error: null,
    blockers: [],
    connection,
    timing: resolveTiming(input.timing),
    launchedAt: null,
    lastCheckAt: null,
    nextCheckAt: null,
    slowAt: null,
    timeoutAt: null,
    backoffStep: 0,
    visibleUntil: null,
    popupBlocked: false,
    retryAfterMs: null,
    failedStep: null,
  };
  // Every assign copies the context with Object.assign. In V8 a copy of an object literal this
  // wide falls into dictionary mode (about 3x the memory, slower reads); a copy of a spread copy
  // stays compact, and so do the copies after it.
  return { ...context };
}

// The time of the actor's own clock (createCloudConnect's `clock`, else the system clock).
const nowIn = (system: ActorSystemOf) => dependenciesOf(system).clock.now();

/** An invoked actor that calls one backend method with the actor's backend and abort signal. */
function backendCall<I, O>(
  call: (backend: ConnectBackend, input: I, opts: { signal: AbortSignal }) => Promise<O>,
) {
  return fromPromise<O, I>(({ input, signal, system }) => {
    const { backend } = dependenciesOf(system);
    if (backend) return call(backend, input, { signal });
    return Promise.reject(
      new Error('No backend: create the actor with createCloudConnect({ backend }).'),
    );
  });
}

// Params mappers: done and error events hand their payload to parameterized guards and actions.
const output = <T>({ event }: { event: { output: T } }): T => event.output;
const error = ({ event }: { event: { error: unknown } }): unknown => event.error;
const errorAsCheck = ({ event }: { event: { error: unknown } }) => checkFromError(event.error);

// Inputs of invoked actors.
type WithContext = { context: CloudConnectContext };
const untilNextCheck = ({ context }: WithContext) => ({ until: context.nextCheckAt ?? 0 });
const accountInput = ({ context }: WithContext) => ({ accountId: accountOf(context) });

// PAGE.VISIBLE and VERIFY.NOW while waiting: check at once, but never closer than minGapMs.
const checkSoon = { target: 'waiting', reenter: true, actions: 'scheduleCheckSoon' } as const;
const checkSoonWatched = { ...checkSoon, actions: ['markWatched', 'scheduleCheckSoon'] } as const;

// Whether someone is looking at the page now: a PAGE.VISIBLE within visibleWindowMs, no PAGE.HIDDEN since.
const isWatched = (context: CloudConnectContext, now: number) =>
  typeof context.visibleUntil === 'number' && now < context.visibleUntil;

/**
 * Builds the one machine definition. Nothing in it is per actor: the backend, the clock and the
 * random source reach each actor through its actor system (`dependenciesOf`).
 */
function buildCloudConnectMachine() {
  return setup({
    types: {} as {
      context: CloudConnectContext;
      events: CloudConnectEvent;
      input: CloudConnectInput | undefined;
      emitted: CloudConnectEmitted;
    },
    actors: {
      // Resolves at an epoch-ms deadline; restarted from its input after a restore.
      wait: fromPromise<void, { until: number }>(
        ({ input, signal, system }) =>
          new Promise<void>((resolve) => {
            const { clock } = dependenciesOf(system);
            const ms = input.until - clock.now();
            if (ms <= 0) return resolve();
            const handle = clock.setTimeout(resolve, ms);
            signal.addEventListener('abort', () => clock.clearTimeout(handle), { once: true });
          }),
      ),
      createSession: backendCall<{ accountId: string }, ConnectSession>((backend, input, opts) =>
        backend.createSession(input, opts),
      ),
      checkConnection: backendCall<{ sessionId: string }, ConnectionCheck>((backend, input, opts) =>
        backend.checkConnection(input, opts),
      ),
      listBlockers: backendCall<{ accountId: string }, Blocker[]>((backend, input, opts) =>
        backend.listBlockers(input, opts),
      ),
      checkRevocation: backendCall<{ accountId: string }, RevocationCheck>((backend, input, opts) =>
        backend.checkRevocation(input, opts),
      ),
    },
    guards: {
      hasConnection: ({ context }) => context.connection !== null,
      hasSession: ({ context }) => context.session !== null,
      isAccountIdValid: ({ context }) => parseAccountId(context.accountId).ok,
      isAccountIdRefused: (_, error: unknown) => codeOf(error) === 'INVALID_ACCOUNT_ID',
      isRateLimited: ({ context }) => context.error?.code === 'RATE_LIMITED',
      isCheckConnected: ({ context }) => context.lastCheck?.status === 'connected',
      isCheckFatal: ({ context }) => isFatal(context.lastCheck),
      isHealthCheckOn: ({ context }) => context.timing.healthIntervalMs > 0,
      // Only "not assumable" or a failure that needs a fix is a loss: a throttled or unreachable
      // STS, or a retryable failure, says nothing about the role.
      isHealthy: (_, check: ConnectionCheck) =>
        check?.status === 'connected' ||
        (check?.status === 'pending' && check.reason !== 'not-assumable') ||
        failureOf(check)?.retryable === true,
      // Backends are the host's code: tolerate a missing answer rather than crash the actor.
      hasBlockers: (_, blockers: Blocker[]) => (blockers?.length ?? 0) > 0,
      isRevoked: (_, check: RevocationCheck) => check?.status === 'revoked',
      isRevocationFatal: (_, check: RevocationCheck | ConnectionCheck) => isFatal(check),
      isLaunchFailure: ({ context }) => context.failedStep === 'launch',
      isRevokeFailure: ({ context }) => context.failedStep === 'revoke',
      isSessionLost: ({ context }) => context.error?.code === 'SESSION_NOT_FOUND',
    },
    actions: {
      assignAccountId: assign(({ context, event }) => {
        if (event.type !== 'ACCOUNT_ID.CHANGE') return {};
        const accountId = typeof event.value === 'string' ? event.value : '';
        // Once an error is showing, it follows the typing (so it clears as soon as it is fixed).
        if (context.accountIdError === null) return { accountId };
        const parsed = parseAccountId(accountId);
        return { accountId, accountIdError: parsed.ok ? null : parsed.message };
      }),
      validateAccountIdOnBlur: assign(({ context }) => {
        const parsed = parseAccountId(context.accountId);
        // Leaving an empty field is not an error yet; submitting it is.
        return { accountIdError: parsed.ok || parsed.code === 'empty' ? null : parsed.message };
      }),
      showAccountIdError: assign(({ context }, error?: unknown) => {
        const parsed = parseAccountId(context.accountId);
        const message = parsed.ok
          ? toErrorInfo(error, 'INVALID_ACCOUNT_ID').message
          : parsed.message;
        return { accountIdError: message, error: errorInfo('INVALID_ACCOUNT_ID', message) };
      }),
      normalizeAccountId: assign(({ context }) => {
        const parsed = parseAccountId(context.accountId);
        return parsed.ok ? { accountId: parsed.accountId, accountIdError: null, error: null } : {};
      }),
      clearError: assign({ error: null, retryAfterMs: null, failedStep: null }),
      assignSession: assign((_, session: ConnectSession) => ({ session })),
      assignSessionError: assign((_, error: unknown) => ({
        error: toErrorInfo(SESSION_CODES.includes(codeOf(error)) ? error : null, 'SESSION_FAILED'),
        retryAfterMs: retryAfterOf(error),
      })),
      emitSessionCreated: emit(({ context }) => ({
        type: 'session.created' as const,
        session: context.session as ConnectSession,
      })),
      startVerification: assign(({ context, event, system }) => {
        const now = nowIn(system);
        return {
          launchedAt: now,
          attempts: 0,
          backoffStep: 0,
          lastCheck: null,
          lastCheckAt: null,
          nextCheckAt: now + context.timing.firstCheckMs,
          slowAt: null,
          timeoutAt: null,
          popupBlocked: launchedWithBlockedPopup(event),
          error: null,
          failedStep: null,
        };
      }),
      armDeadlines: assign(({ context, system }) => {
        const now = nowIn(system);
        return {
          slowAt: context.slowAt ?? now + context.timing.slowAfterMs,
          timeoutAt: now + context.timing.timeoutMs,
        };
      }),
      resumeVerification: assign(({ context, system }) => ({
        nextCheckAt: nowIn(system),
        launchedAt: context.launchedAt ?? nowIn(system),
        error: null,
        failedStep: null,
      })),
      emitStackLaunched: enqueueActions(({ context, event, enqueue }) => {
        const sessionId = context.session?.sessionId ?? '';
        const popupBlocked = launchedWithBlockedPopup(event);
        enqueue.emit({ type: 'stack.launched', sessionId, popupBlocked });
        if (popupBlocked) enqueue.emit({ type: 'popup.blocked', sessionId });
      }),
      scheduleCheckSoon: assign(({ context, system }) => {
        const now = nowIn(system);
        const gapEnd =
          context.lastCheckAt === null ? now : context.lastCheckAt + context.timing.minGapMs;
        const due = Math.max(now, gapEnd);
        return { nextCheckAt: Math.min(context.nextCheckAt ?? due, due) };
      }),
      countAttempt: assign(({ context, system }) => ({
        attempts: context.attempts + 1,
        lastCheckAt: nowIn(system),
      })),
      emitVerificationAttempt: emit(({ context }) => ({
        type: 'verification.attempt' as const,
        sessionId: context.session?.sessionId ?? '',
        attempt: context.attempts,
      })),
      assignCheck: assign((_, lastCheck: ConnectionCheck) => ({ lastCheck })),
      scheduleNextCheck: assign(({ context, system }) => {
        const { clock, random } = dependenciesOf(system);
        const now = clock.now();
        const elapsedMs = now - (context.launchedAt ?? now);
        const check = context.lastCheck;
        const visible = isWatched(context, now);
        const delay = nextCheckDelay({
          timing: context.timing,
          elapsedMs,
          backoffStep: context.backoffStep,
          random: random(),
          retryAfterMs: check?.status === 'pending' ? check.retryAfterMs : undefined,
          visible,
        });
        // The backoff resumes where it was once the page is left.
        const grows = !visible && elapsedMs >= context.timing.backoffAfterMs;
        return { nextCheckAt: now + delay, backoffStep: context.backoffStep + (grows ? 1 : 0) };
      }),
      markWatched: assign(({ context, system }) => ({
        visibleUntil: nowIn(system) + context.timing.visibleWindowMs,
      })),
      markUnwatched: assign({ visibleUntil: null }),
      assignConnection: assign(({ context }) => {
        const check = context.lastCheck;
        if (check?.status !== 'connected') return {};
        return {
          connection: {
            accountId: context.accountId,
            roleArn: check.roleArn,
            verifiedAt: check.verifiedAt,
            sessionId: context.session?.sessionId ?? '',
          },
          error: null,
          nextCheckAt: null,
          slowAt: null,
          timeoutAt: null,
        };
      }),
      emitConnected: emit(({ context }) => ({
        type: 'connected' as const,
        connection: context.connection as NonNullable<CloudConnectContext['connection']>,
      })),
      assignCheckFailure: assign(({ context }) => {
        const error = failureOf(context.lastCheck);
        return { error, failedStep: error?.code === 'STACK_FAILED' ? 'launch' : 'verify' };
      }),
      emitConnectionFailed: emit(({ context }) => ({
        type: 'connection.failed' as const,
        error: context.error as ErrorInfo,
      })),
      assignTimedOut: assign({ error: () => errorInfo('TIMED_OUT'), timeoutAt: null }),
      scheduleHealthCheck: assign(({ context, system }) => ({
        nextCheckAt: nowIn(system) + context.timing.healthIntervalMs,
      })),
      assignAccessLost: assign((_, check: ConnectionCheck) => ({
        error: failureOf(check) ?? errorInfo('ACCESS_LOST'),
      })),
      assignPopupBlocked: assign(({ event }) => ({
        popupBlocked: launchedWithBlockedPopup(event),
      })),
      assignBlockers: assign((_, blockers: Blocker[]) => ({
        blockers,
        error: blockers.length > 0 ? errorInfo('REVOKE_BLOCKED') : null,
      })),
      assignRevokeError: assign((_, error: unknown) => ({ error: toErrorInfo(error, 'NETWORK') })),
      emitRevokeBlocked: emit(({ context }) => ({
        type: 'revoke.blocked' as const,
        blockers: context.blockers,
      })),
      scheduleRevocationCheck: assign(({ context, system }, error?: unknown) => ({
        nextCheckAt:
          nowIn(system) + Math.max(context.timing.revocationIntervalMs, retryAfterOf(error) ?? 0),
      })),
      countRevocationCheck: assign({ lastCheckAt: ({ system }) => nowIn(system) }),
      assignRevocationCheck: assign((_, lastRevocationCheck: RevocationCheck) => ({
        lastRevocationCheck,
      })),
      assignRevocationFailure: assign((_, check: RevocationCheck | ConnectionCheck) => ({
        error: failureOf(check),
        failedStep: 'revoke' as const,
      })),
      markRevoked: assign({
        connection: null,
        blockers: [],
        error: null,
        nextCheckAt: null,
        lastRevocationCheck: { status: 'revoked' as const },
      }),
      emitRevoked: emit(({ context }) => ({
        type: 'revoked' as const,
        accountId: accountOf(context),
      })),
      clearRevocation: assign({ blockers: [], error: null, lastRevocationCheck: null }),
      resetFlow: assign(({ context }) => ({
        ...initialContext({ accountId: context.accountId }),
        timing: context.timing,
        region: context.region,
      })),
      emitExit: emit((_, state: CloudConnectState) => ({ type: 'exit' as const, state })),
    },
    delays: {
      // Losing this wait on a restore is harmless: the state still accepts RETRY.
      retryAfter: ({ context }) => context.retryAfterMs ?? context.timing.intervalMs,
    },
  }).createMachine({
    id: 'cloudConnect',
    context: ({ input }) => initialContext(input),
    initial: 'disconnected',
    states: {
      disconnected: {
        always: { guard: 'hasConnection', target: 'connected' },
        initial: 'editing',
        on: {
          CANCEL: {
            target: '.editing',
            actions: { type: 'emitExit', params: 'disconnected' },
          },
        },
        states: {
          editing: {
            on: {
              'ACCOUNT_ID.CHANGE': { actions: 'assignAccountId' },
              'ACCOUNT_ID.BLUR': { actions: 'validateAccountIdOnBlur' },
              'ACCOUNT_ID.SUBMIT': [
                {
                  guard: 'isAccountIdValid',
                  target: 'creatingSession',
                  actions: 'normalizeAccountId',
                },
                { actions: 'showAccountIdError' },
              ],
            },
          },
          creatingSession: {
            tags: ['loading'],
            entry: 'clearError',
            invoke: {
              id: 'createSession',
              src: 'createSession',
              input: ({ context }) => ({ accountId: context.accountId }),
              onDone: {
                target: '#cloudConnect.connecting',
                actions: [{ type: 'assignSession', params: output }, 'emitSessionCreated'],
              },
              onError: [
                {
                  guard: {
                    type: 'isAccountIdRefused',
                    params: error,
                  },
                  target: 'editing',
                  actions: {
                    type: 'showAccountIdError',
                    params: error,
                  },
                },
                {
                  target: 'sessionFailed',
                  actions: {
                    type: 'assignSessionError',
                    params: error,
                  },
                },
              ],
            },
            on: {
              'ACCOUNT_ID.CHANGE': { target: 'editing', actions: 'assignAccountId' },
              EDIT: 'editing',
            },
          },
          sessionFailed: {
            after: { retryAfter: { guard: 'isRateLimited', target: 'creatingSession' } },
            on: {
              RETRY: 'creatingSession',
              'ACCOUNT_ID.SUBMIT': [
                {
                  guard: 'isAccountIdValid',
                  target: 'creatingSession',
                  actions: 'normalizeAccountId',
                },
                { target: 'editing', actions: 'showAccountIdError' },
              ],
              'ACCOUNT_ID.CHANGE': {
                target: 'editing',
                actions: ['clearError', 'assignAccountId'],
              },
              EDIT: { target: 'editing', actions: 'clearError' },
            },
          },
        },
      },

      connecting: {
        initial: 'ready',
        on: {
          'PAGE.VISIBLE': { actions: 'markWatched' },
          'PAGE.HIDDEN': { actions: 'markUnwatched' },
          EDIT: { target: 'disconnected.editing', actions: 'resetFlow' },
          CANCEL: {
            target: 'disconnected.editing',
            actions: ['resetFlow', { type: 'emitExit', params: 'connecting' }],
          },
        },
        states: {
          ready: {
            on: {
              'STACK.LAUNCHED': {
                target: 'verifying',
                actions: ['startVerification', 'emitStackLaunched'],
              },
              'VERIFY.NOW': {
                target: 'verifying',
                actions: ['startVerification', 'scheduleCheckSoon'],
              },
            },
          },
          verifying: {
            type: 'parallel',
            entry: 'armDeadlines',
            invoke: {
              id: 'timeout',
              src: 'wait',
              input: ({ context }) => ({ until: context.timeoutAt ?? 0 }),
              onDone: { target: 'timedOut', actions: 'assignTimedOut' },
            },
            on: { 'STACK.LAUNCHED': { actions: ['assignPopupBlocked', 'emitStackLaunched'] } },
            states: {
              polling: {
                initial: 'waiting',
                states: {
                  waiting: {
                    invoke: {
                      id: 'nextCheck',
                      src: 'wait',
                      input: untilNextCheck,
                      onDone: 'checking',
                    },
                    on: {
                      'PAGE.VISIBLE': checkSoonWatched,
                      'VERIFY.NOW': checkSoon,
                    },
                  },
                  checking: {
                    tags: ['checking'],
                    entry: ['countAttempt', 'emitVerificationAttempt'],
                    invoke: {
                      id: 'checkConnection',
                      src: 'checkConnection',
                      input: ({ context }) => ({ sessionId: context.session?.sessionId ?? '' }),
                      onDone: {
                        target: 'deciding',
                        actions: {
                          type: 'assignCheck',
                          params: output,
                        },
                      },
                      onError: {
                        target: 'deciding',
                        actions: { type: 'assignCheck', params: errorAsCheck },
                      },
                    },
                  },
                  deciding: {
                    always: [
                      {
                        guard: 'isCheckConnected',
                        target: '#cloudConnect.connected',
                        actions: ['assignConnection', 'emitConnected'],
                      },
                      {
                        guard: 'isCheckFatal',
                        target: '#cloudConnect.failed',
                        actions: ['assignCheckFailure', 'emitConnectionFailed'],
                      },
                      { target: 'waiting', actions: 'scheduleNextCheck' },
                    ],
                  },
                },
              },
              patience: {
                initial: 'normal',
                states: {
                  normal: {
                    invoke: {
                      id: 'slowMark',
                      src: 'wait',
                      input: ({ context }) => ({ until: context.slowAt ?? 0 }),
                      onDone: 'slow',
                    },
                  },
                  slow: {
                    tags: ['slow'],
                  },
                },
              },
            },
          },
          timedOut: {
            on: {
              RETRY: { target: 'verifying', actions: 'resumeVerification' },
              'VERIFY.NOW': { target: 'verifying', actions: 'resumeVerification' },
              'STACK.LAUNCHED': {
                target: 'verifying',
                actions: ['startVerification', 'emitStackLaunched'],
              },
            },
          },
        },
      },

      connected: {
        initial: 'watching',
        on: {
          'REVOKE.START': { target: 'revoking', actions: 'clearError' },
          CANCEL: { actions: { type: 'emitExit', params: 'connected' } },
        },
        states: {
          watching: {
            always: [
              { guard: 'isHealthCheckOn', target: 'waiting', actions: 'scheduleHealthCheck' },
              { target: 'healthy' },
            ],
          },
          healthy: {},
          waiting: {
            invoke: {
              id: 'nextHealthCheck',
              src: 'wait',
              input: untilNextCheck,
              onDone: 'checking',
            },
          },
          checking: {
            tags: ['checking'],
            invoke: {
              id: 'healthCheck',
              src: 'checkConnection',
              input: ({ context }) => ({ sessionId: context.connection?.sessionId ?? '' }),
              onDone: [
                {
                  guard: { type: 'isHealthy', params: output },
                  target: 'watching',
                  actions: 'clearError',
                },
                {
                  target: 'accessLost',
                  actions: {
                    type: 'assignAccessLost',
                    params: output,
                  },
                },
              ],
              // Not reaching the backend says nothing about the role: try again later.
              onError: { target: 'watching' },
            },
          },
          accessLost: {
            on: { RETRY: 'checking', 'VERIFY.NOW': 'checking' },
          },
        },
      },

      revoking: {
        initial: 'checkingBlockers',
        on: {
          'REVOKE.CANCEL': { target: 'connected', actions: 'clearRevocation' },
          CANCEL: {
            target: 'connected',
            actions: ['clearRevocation', { type: 'emitExit', params: 'revoking' }],
          },
        },
        states: {
          checkingBlockers: {
            tags: ['loading'],
            invoke: {
              id: 'listBlockers',
              src: 'listBlockers',
              input: accountInput,
              onDone: [
                {
                  guard: {
                    type: 'hasBlockers',
                    params: output,
                  },
                  target: 'blocked',
                  actions: [{ type: 'assignBlockers', params: output }, 'emitRevokeBlocked'],
                },
                { guard: 'hasSession', target: 'deletingStack', actions: 'clearRevocation' },
                { target: 'loadingLink', actions: 'clearRevocation' },
              ],
              onError: {
                target: 'blockersUnknown',
                actions: {
                  type: 'assignRevokeError',
                  params: error,
                },
              },
            },
          },
          blockersUnknown: {
            on: { RETRY: 'checkingBlockers', 'REVOKE.RECHECK': 'checkingBlockers' },
          },
          blocked: {
            on: { 'REVOKE.RECHECK': 'checkingBlockers', RETRY: 'checkingBlockers' },
          },
          loadingLink: {
            tags: ['loading'],
            invoke: {
              id: 'loadSession',
              src: 'createSession',
              input: accountInput,
              onDone: {
                target: 'deletingStack',
                actions: {
                  type: 'assignSession',
                  params: output,
                },
              },
              // Without the link the user can still delete the stack in the console.
              onError: { target: 'deletingStack' },
            },
          },
          deletingStack: {
            on: {
              'REVOKE.STACK_DELETE_LAUNCHED': {
                target: 'confirming',
                actions: 'scheduleRevocationCheck',
              },
              'VERIFY.NOW': { target: 'confirming', actions: 'scheduleCheckSoon' },
            },
          },
          confirming: {
            initial: 'waiting',
            states: {
              waiting: {
                invoke: {
                  id: 'nextRevocationCheck',
                  src: 'wait',
                  input: untilNextCheck,
                  onDone: 'checking',
                },
                on: {
                  'PAGE.VISIBLE': checkSoon,
                  'VERIFY.NOW': checkSoon,
                },
              },
              checking: {
                tags: ['checking'],
                entry: 'countRevocationCheck',
                invoke: {
                  id: 'checkRevocation',
                  src: 'checkRevocation',
                  input: accountInput,
                  onDone: [
                    {
                      guard: {
                        type: 'isRevoked',
                        params: output,
                      },
                      target: '#cloudConnect.revoked',
                      actions: ['emitRevoked', 'markRevoked'],
                    },
                    {
                      guard: {
                        type: 'isRevocationFatal',
                        params: output,
                      },
                      target: '#cloudConnect.failed',
                      actions: [
                        {
                          type: 'assignRevocationFailure',
                          params: output,
                        },
                        'emitConnectionFailed',
                      ],
                    },
                    {
                      target: 'waiting',
                      actions: [
                        {
                          type: 'assignRevocationCheck',
                          params: output,
                        },
                        'scheduleRevocationCheck',
                      ],
                    },
                  ],
                  onError: [
                    {
                      guard: { type: 'isRevocationFatal', params: errorAsCheck },
                      target: '#cloudConnect.failed',
                      actions: [
                        {
                          type: 'assignRevocationFailure',
                          params: errorAsCheck,
                        },
                        'emitConnectionFailed',
                      ],
                    },
                    {
                      target: 'waiting',
                      actions: {
                        type: 'scheduleRevocationCheck',
                        params: error,
                      },
                    },
                  ],
                },
              },
            },
          },
        },
      },

      revoked: {
        on: {
          EDIT: { target: 'disconnected.editing', actions: 'resetFlow' },
          CANCEL: { actions: { type: 'emitExit', params: 'revoked' } },
        },
      },

      failed: {
        on: {
          RETRY: [
            { guard: 'isRevokeFailure', target: 'revoking', actions: 'clearError' },
            // The server forgot the session: checking it again cannot help; a new one can.
            {
              guard: 'isSessionLost',
              target: 'disconnected.creatingSession',
              actions: 'resetFlow',
            },
            { guard: 'isLaunchFailure', target: 'connecting.ready', actions: 'clearError' },
            { target: 'connecting.verifying', actions: 'resumeVerification' },
          ],
          'STACK.LAUNCHED': {
            guard: 'isLaunchFailure',
            target: 'connecting.verifying',
            actions: ['startVerification', 'emitStackLaunched'],
          },
          'REVOKE.CANCEL': { guard: 'isRevokeFailure', target: 'connected', actions: 'clearError' },
          EDIT: { target: 'disconnected.editing', actions: 'resetFlow' },
          CANCEL: { actions: { type: 'emitExit', params: 'failed' } },
        },
      },
    },
  });
}

/** The machine's type. */
export type CloudConnectMachine = ReturnType<typeof buildCloudConnectMachine>;

// Marked pure: the published entry is one file, so only that lets a page that never runs the
// flow drop the machine (and xstate).
/**
 * The one machine definition, shared by every actor. Run it with `createCloudConnect`, which
 * hands each actor its backend, clock and random source; created any other way, its backend
 * actors reject unless provided (diagrams, inspection, tests that provide their own actors).
 */
export const cloudConnectMachine: CloudConnectMachine = /* @__PURE__ */ buildCloudConnectMachine();

/**
 * The machine with its backend actors bound to `backend` through `.provide()`, for hosts that
 * call `createActor` themselves. Each call makes a new machine object: `createCloudConnect`
 * does not, and is the cheaper way to run many actors.
 *
 * @example
 * const actor = createActor(createCloudConnectMachine(createHttpBackend({ baseUrl: '/api/cloud-connect' })));
 */
export function createCloudConnectMachine(backend: ConnectBackend): CloudConnectMachine {
  return cloudConnectMachine.provide({
    actors: {
      createSession: fromPromise(({ input, signal }) => backend.createSession(input, { signal })),
      checkConnection: fromPromise(({ input, signal }) =>
        backend.checkConnection(input, { signal }),
      ),
      listBlockers: fromPromise(({ input, signal }) => backend.listBlockers(input, { signal })),
      checkRevocation: fromPromise(({ input, signal }) =>
        backend.checkRevocation(input, { signal }),
      ),
    },
  }) as CloudConnectMachine;
}
