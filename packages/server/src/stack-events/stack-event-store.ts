/** The tenant and account a session id belongs to, remembered when its link is handed out. */
export interface StackEventSession {
  sessionId: string;
  tenantId: string;
  accountId: string;
}

/** What CloudFormation last told the server about a session's stack. */
export interface StackEventState {
  /** The stack the events came from: a new stack's start replaces an old stack's state. */
  stackId: string;
  /**
   * `creating`: the stack started; `role-created`: the role exists (IAM may still be
   * propagating); `deleted`: CloudFormation deleted the event resources (a rollback, or
   * DeleteStack).
   */
  phase: 'creating' | 'role-created' | 'deleted';
  /** Epoch ms of the event. */
  at: number;
  /** Set once a check reported the failure, so launching again starts from a clean page. */
  failureReported?: boolean;
  /** Epoch ms until which background work follows this session (verify, or confirm revocation). */
  followUntil?: number;
}

/**
 * Where stack events are kept. Several instances behind a load balancer share one (SNS delivers
 * to any of them, and the browser's check may reach another); the memory store serves one.
 */
export interface StackEventStore {
  /** Remembers a session's tenant and account (called whenever its link is handed out). */
  rememberSession(session: StackEventSession): Promise<void>;
  /** The session a stack event names, or null when this server never handed out its link. */
  sessionOf(sessionId: string): Promise<StackEventSession | null>;
  /**
   * True the first time a message id is seen; ids are kept until `expiresAt` (epoch ms) and may
   * be forgotten once `now` (the handler's clock) is past it.
   */
  firstDelivery(messageId: string, expiresAt: number, now: number): Promise<boolean>;
  stateOf(sessionId: string): Promise<StackEventState | null>;
  putState(sessionId: string, state: StackEventState): Promise<void>;
  /** The sessions whose `followUntil` is after `now`. */
  followed(now: number): Promise<string[]>;
}

/** A {@link StackEventStore} on a database, which it releases on `close()`. */
export interface ClosableStackEventStore extends StackEventStore {
  /** Releases the database (the SQLite file, or a pool the store opened). */
  close(): Promise<void>;
}

/**
 * A {@link StackEventStore} in process memory: for one instance, tests and scripts. Seen
 * message ids are dropped once expired, so it does not grow with traffic.
 */
export function createMemoryStackEventStore(): StackEventStore {
  const sessions = new Map<string, StackEventSession>();
  const states = new Map<string, StackEventState>();
  const seen = new Map<string, number>();

  return {
    async rememberSession(session) {
      sessions.set(session.sessionId, { ...session });
    },
    async sessionOf(sessionId) {
      const session = sessions.get(sessionId);
      return session ? { ...session } : null;
    },
    async firstDelivery(messageId, expiresAt, now) {
      for (const [id, until] of seen) if (until < now) seen.delete(id);
      if (seen.has(messageId)) return false;
      seen.set(messageId, expiresAt);
      return true;
    },
    async stateOf(sessionId) {
      const state = states.get(sessionId);
      return state ? { ...state } : null;
    },
    async putState(sessionId, state) {
      states.set(sessionId, { ...state });
    },
    async followed(now) {
      return [...states].filter(([, s]) => (s.followUntil ?? 0) > now).map(([id]) => id);
    },
  };
}

/** A stack event as the route hands it on: what happened to which resource of which stack. */
export interface StackEvent {
  requestType: 'Create' | 'Update' | 'Delete';
  event: 'stack-started' | 'role-created';
  stackId: string;
  at: number;
}

/** How long background work follows a session after an event: ten minutes. */
export const FOLLOW_MS = 10 * 60_000;

/**
 * The state after an event. A stack's start begins a new state; events of another stack than
 * the current one are ignored (the late Delete of a stack the customer already replaced).
 */
export function applyStackEvent(
  state: StackEventState | null,
  event: StackEvent,
): StackEventState | null {
  if (event.requestType === 'Update') return state;
  if (event.requestType === 'Create' && event.event === 'stack-started') {
    return { stackId: event.stackId, phase: 'creating', at: event.at };
  }
  if (state && state.stackId !== event.stackId) return state;
  if (event.requestType === 'Create') {
    return {
      stackId: event.stackId,
      phase: 'role-created',
      at: event.at,
      followUntil: event.at + FOLLOW_MS,
    };
  }
  // A second Delete (the other resource) changes nothing once the first arrived.
  if (state?.phase === 'deleted') return state;
  return {
    stackId: event.stackId,
    phase: 'deleted',
    at: event.at,
    followUntil: event.at + FOLLOW_MS,
  };
}
