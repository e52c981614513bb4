import type {
  Blocker,
  Connection,
  ConnectionCheck,
  ConnectSession,
  RevocationCheck,
} from '../backend';
import type { ErrorInfo } from '../errors';

/**
 * How long the machine waits between steps, in milliseconds. `input.timing` overrides any key.
 */
export interface CloudConnectTiming {
  /** First check after `STACK.LAUNCHED`. @default 10000 */
  firstCheckMs: number;
  /** Steady interval while the stack is likely still creating. @default 5000 */
  intervalMs: number;
  /** After this long since launch, the interval grows (x1.5, +-20% jitter). @default 120000 */
  backoffAfterMs: number;
  /** Ceiling of the interval. @default 30000 */
  maxIntervalMs: number;
  /**
   * `PAGE.VISIBLE` / `VERIFY.NOW` check at once unless a check ran within this gap; then at the
   * gap's end (deferred, not dropped). @default 2000
   */
  minGapMs: number;
  /** The `slow` tag appears (troubleshooting shown; polling goes on). @default 300000 */
  slowAfterMs: number;
  /** Polling stops with `TIMED_OUT` (retryable; `RETRY` resumes). @default 1800000 */
  timeoutMs: number;
  /** Revocation confirmation polling period. @default 5000 */
  revocationIntervalMs: number;
  /** Health re-check period in `connected`; 0 turns health checks off. @default 0 */
  healthIntervalMs: number;
  /**
   * Interval between verification checks while the page is watched (never below `minGapMs`).
   * @default 3000
   */
  visibleIntervalMs: number;
  /**
   * How long after the last `PAGE.VISIBLE` the short interval holds; then, or after
   * `PAGE.HIDDEN`, the backoff schedule applies. @default 300000
   */
  visibleWindowMs: number;
}

/** What a host passes when it creates the machine's actor. */
export interface CloudConnectInput {
  /** Pre-fills the account ID field. */
  accountId?: string;
  /** Starts in `connected` on an existing connection (to show or revoke it). */
  connection?: Connection;
  /** The AWS region the host expects (informational; the session's region wins). */
  region?: string;
  /** Overrides of the default timing. */
  timing?: Partial<CloudConnectTiming>;
}

/** The step a failure came from, so `RETRY` knows where to go back to. */
export type FailedStep = 'launch' | 'verify' | 'revoke';

/** The machine's context: plain JSON, so a persisted snapshot survives `JSON.stringify`. */
export interface CloudConnectContext {
  /** The persisted-snapshot format; a restore refuses any other number. */
  snapshotVersion: number;
  /** The account ID as typed (normalised to 12 digits once submitted). */
  accountId: string;
  /** The account ID's problem, shown after blur or submit (never on the first keystroke). */
  accountIdError: string | null;
  region: string | null;
  session: ConnectSession | null;
  /** Verification checks since the stack was launched. */
  attempts: number;
  lastCheck: ConnectionCheck | null;
  lastRevocationCheck: RevocationCheck | null;
  error: ErrorInfo | null;
  blockers: Blocker[];
  connection: Connection | null;
  timing: CloudConnectTiming;
  /** Epoch ms of `STACK.LAUNCHED` (or of the last `RETRY` after a timeout). */
  launchedAt: number | null;
  /** Epoch ms the last backend check started. */
  lastCheckAt: number | null;
  /** Deadline (epoch ms) of the next check, awaited by an invoked timer. */
  nextCheckAt: number | null;
  /** Deadline (epoch ms) of the `slow` tag. */
  slowAt: number | null;
  /** Deadline (epoch ms) of `TIMED_OUT`. */
  timeoutAt: number | null;
  /** How many times the interval has grown since `backoffAfterMs`. */
  backoffStep: number;
  /**
   * Until when (epoch ms) the page counts as watched: `visibleWindowMs` after the last
   * `PAGE.VISIBLE`; null once `PAGE.HIDDEN` arrives (or before any signal).
   */
  visibleUntil: number | null;
  /** Whether the last launch went through a popup the browser blocked. */
  popupBlocked: boolean;
  /** Server's `Retry-After`, in ms, after `RATE_LIMITED`. */
  retryAfterMs: number | null;
  failedStep: FailedStep | null;
}

/** Every event the machine accepts. */
export type CloudConnectEvent =
  | { type: 'ACCOUNT_ID.CHANGE'; value: string }
  | { type: 'ACCOUNT_ID.BLUR' }
  | { type: 'ACCOUNT_ID.SUBMIT' }
  | { type: 'EDIT' }
  | { type: 'STACK.LAUNCHED'; popupBlocked?: boolean }
  | { type: 'VERIFY.NOW' }
  | { type: 'PAGE.VISIBLE' }
  | { type: 'PAGE.HIDDEN' }
  | { type: 'RETRY' }
  | { type: 'CANCEL' }
  | { type: 'REVOKE.START' }
  | { type: 'REVOKE.RECHECK' }
  | { type: 'REVOKE.STACK_DELETE_LAUNCHED' }
  | { type: 'REVOKE.CANCEL' };

/** The top-level states. None is final: the actor lives as long as its UI. */
export type CloudConnectState =
  | 'disconnected'
  | 'connecting'
  | 'connected'
  | 'revoking'
  | 'revoked'
  | 'failed';

/** Events the machine emits (`actor.on(type, handler)`), for analytics and callbacks. */
export type CloudConnectEmitted =
  | { type: 'session.created'; session: ConnectSession }
  | { type: 'stack.launched'; sessionId: string; popupBlocked: boolean }
  | { type: 'popup.blocked'; sessionId: string }
  | { type: 'verification.attempt'; sessionId: string; attempt: number }
  | { type: 'connected'; connection: Connection }
  | { type: 'connection.failed'; error: ErrorInfo }
  | { type: 'revoke.blocked'; blockers: Blocker[] }
  | { type: 'revoked'; accountId: string }
  | { type: 'exit'; state: CloudConnectState };

/**
 * Where time comes from. Tests and the benchmark pass a simulated one; the default reads
 * `Date.now` and the global timers at call time (so fake timers work too).
 */
export interface CloudConnectClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Where an actor's time and jitter come from (options of `createCloudConnect`). */
export interface CloudConnectMachineOptions {
  /** @default the system clock */
  clock?: CloudConnectClock;
  /** A number in [0, 1) for backoff jitter. @default Math.random */
  random?: () => number;
}
