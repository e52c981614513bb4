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
  /** The session's state, or null when no event of its stack was recorded. */
  stateOf(sessionId: string): Promise<StackEventState | null>;
  /**
   * Changes a session's state atomically: `update` gets the current state (null when there is
   * none) and returns the state to store, or null to leave it as it is. No other `updateState`
   * of the session, from this instance or another sharing the store, may run between reading
   * the current state and writing the new one (SNS delivers a stack's events to any instance,
   * at once). `update` must be synchronous and pure: a store may call it again after a conflict,
   * and only the last call's answer counts.
   *
   * @returns The state written, or null when `update` left the state as it was.
   * @example
   * // Marks the failure reported, unless another instance did it first.
   * const marked = await store.updateState(sessionId, (current) =>
   *   current?.phase === 'deleted' && !current.failureReported
   *     ? { ...current, failureReported: true }
   *     : null,
   * );
   */
  updateState(
    sessionId: string,
    update: (current: StackEventState | null) => StackEventState | null,
  ): Promise<StackEventState | null>;
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
    async updateState(sessionId, update) {
      // Synchronous from read to write: nothing else runs in between on one thread.
      const current = states.get(sessionId);
      const next = update(current ? { ...current } : null);
      if (next === null) return null;
      states.set(sessionId, { ...next });
      return { ...next };
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

// A stack's phases in the order CloudFormation goes through them.
const PHASE_RANK: Record<StackEventState['phase'], number> = {
  creating: 0,
  'role-created': 1,
  deleted: 2,
};

/**
 * The state after an event, in whatever order SNS delivered the stack's events (it promises
 * none). One stack's phase only moves forward, `creating` -> `role-created` -> `deleted`:
 * CloudFormation sends a resource's Delete only after its Create, and a deleted stack (rolled
 * back, or DeleteStack) never comes back, so a Delete delivered before the Creates leaves the
 * stack `deleted`, and a late or repeated event changes nothing. Another stack's event begins
 * a new state when it was published after everything the state knows (the customer launched
 * again: a stack of the same name and role can only start once the earlier one stopped sending),
 * and is ignored otherwise (the late news of a stack already replaced). Returns `state` itself
 * when nothing changes.
 */
export function applyStackEvent(
  state: StackEventState | null,
  event: StackEvent,
): StackEventState | null {
  if (event.requestType === 'Update') return state;
  const phase: StackEventState['phase'] =
    event.requestType === 'Delete'
      ? 'deleted'
      : event.event === 'stack-started'
        ? 'creating'
        : 'role-created';
  if (state && state.stackId !== event.stackId && event.at <= state.at) return state;
  if (state?.stackId === event.stackId && PHASE_RANK[phase] <= PHASE_RANK[state.phase]) {
    return state;
  }
  const { stackId, at } = event;
  // Background work follows a created role (verify) and a deletion (confirm revocation).
  return phase === 'creating'
    ? { stackId, phase, at }
    : { stackId, phase, at, followUntil: at + FOLLOW_MS };
}
