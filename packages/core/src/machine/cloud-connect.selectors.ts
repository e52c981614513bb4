import type { SnapshotFrom } from 'xstate';
import { formatAccountId, parseAccountId } from '../account-id';
import type { Blocker, Connection, ConnectSession } from '../backend';
import type { ErrorInfo } from '../errors';
import type { MessageOverrides } from '../messages';
import { formatMessage } from '../messages/format';
import { statusMessages } from '../messages/status';
import type { CloudConnectMachine } from './cloud-connect.machine';
import type { CloudConnectState } from './cloud-connect.types';

// Selectors are pure functions of a snapshot for `useSelector` (`@xstate/react`) and the like:
// each returns a primitive or a reference the context already holds, so `===` tells a change.

/** A persisted-or-live snapshot of the machine, as `actor.getSnapshot()` returns it. */
export type CloudConnectSnapshot = SnapshotFrom<CloudConnectMachine>;

/** The step the user is on: the top-level state refined by the substate a UI shows differently. */
export type CloudConnectStep =
  | 'editing'
  | 'creatingSession'
  | 'sessionFailed'
  | 'ready'
  | 'verifying'
  | 'timedOut'
  | 'connected'
  | 'accessLost'
  | 'checkingBlockers'
  | 'blockersUnknown'
  | 'blocked'
  | 'loadingLink'
  | 'deletingStack'
  | 'confirming'
  | 'revoked'
  | 'failed';

// Substates a UI shows differently; any other substate shows as its top-level state.
const SUBSTATE_STEPS: readonly string[] = [
  'editing',
  'creatingSession',
  'sessionFailed',
  'ready',
  'verifying',
  'timedOut',
  'accessLost',
  'checkingBlockers',
  'blockersUnknown',
  'blocked',
  'loadingLink',
  'deletingStack',
  'confirming',
];

/** The top-level state and the step of a snapshot's state value. */
export function stepOf(value: CloudConnectSnapshot['value']): {
  state: CloudConnectState;
  step: CloudConnectStep;
} {
  if (typeof value === 'string') return { state: value, step: value as CloudConnectStep };
  const state = Object.keys(value)[0] as CloudConnectState;
  const inner = (value as Record<string, unknown>)[state];
  const sub = typeof inner === 'string' ? inner : Object.keys(inner as object)[0];
  return {
    state,
    step: (SUBSTATE_STEPS.includes(sub as string) ? sub : state) as CloudConnectStep,
  };
}

/**
 * The top-level state (`disconnected`, `connecting`, ...).
 * @example const state = useSelector(actor, selectState);
 */
export const selectState = (snapshot: CloudConnectSnapshot): CloudConnectState =>
  stepOf(snapshot.value).state;

/**
 * The step the user is on (`stepOf`): what `data-state` carries and what a UI switches on.
 * @example const step = useSelector(actor, selectStep);
 */
export const selectStep = (snapshot: CloudConnectSnapshot): CloudConnectStep =>
  stepOf(snapshot.value).step;

/** The account ID as typed (normalised to 12 digits once submitted). */
export const selectAccountId = (snapshot: CloudConnectSnapshot): string =>
  snapshot.context.accountId;

/**
 * The account ID's problem as the machine recorded it (shown after blur or submit), or null.
 * In the catalog's English: pass it to `localizeAccountIdError` for the host's `messages`.
 */
export const selectAccountIdError = (snapshot: CloudConnectSnapshot): string | null =>
  snapshot.context.accountIdError;

/** Whether the account ID was submitted and the session is being created. */
export const selectIsSubmitting = (snapshot: CloudConnectSnapshot): boolean =>
  selectStep(snapshot) === 'creatingSession';

/** Whether a backend request is in flight (a check, the blockers or the revocation link). */
export const selectIsChecking = (snapshot: CloudConnectSnapshot): boolean =>
  snapshot.hasTag('checking') || snapshot.hasTag('loading');

/**
 * The error the flow reports (`context.error`), or null. Its `message` is the one reported;
 * `localizeError` applies a host's `messages`.
 */
export const selectError = (snapshot: CloudConnectSnapshot): ErrorInfo | null =>
  snapshot.context.error;

/** The session (ExternalId, quick-create and stacks-console links), once created. */
export const selectSession = (snapshot: CloudConnectSnapshot): ConnectSession | null =>
  snapshot.context.session;

/** The verified connection, or null. */
export const selectConnection = (snapshot: CloudConnectSnapshot): Connection | null =>
  snapshot.context.connection;

/** What must go before access is revoked (clusters); empty unless revoking is blocked. */
export const selectBlockers = (snapshot: CloudConnectSnapshot): Blocker[] =>
  snapshot.context.blockers;

/** Verification checks since the stack was launched. */
export const selectAttempts = (snapshot: CloudConnectSnapshot): number => snapshot.context.attempts;

/** Verification takes longer than usual: show troubleshooting (polling goes on). */
export const selectIsSlow = (snapshot: CloudConnectSnapshot): boolean => snapshot.hasTag('slow');

/** Polling stopped after `timeoutMs` (`TIMED_OUT`); RETRY resumes it. */
export const selectIsTimedOut = (snapshot: CloudConnectSnapshot): boolean =>
  selectStep(snapshot) === 'timedOut';

/** The last launch went through a popup the browser blocked: point to the link instead. */
export const selectPopupBlocked = (snapshot: CloudConnectSnapshot): boolean =>
  snapshot.context.popupBlocked;

/** Whether RETRY does something now (a retry button's `disabled` is its negation). */
export const selectCanRetry = (snapshot: CloudConnectSnapshot): boolean =>
  snapshot.can({ type: 'RETRY' });

/** The quick-create link while it is the way forward (connecting, or a failed launch), else null. */
export const selectQuickCreateUrl = (snapshot: CloudConnectSnapshot): string | null => {
  const { context } = snapshot;
  const state = selectState(snapshot);
  const shown = state === 'connecting' || (state === 'failed' && context.failedStep !== 'revoke');
  return shown ? (context.session?.quickCreateUrl ?? null) : null;
};

/** The stacks-console link (to delete the stack when revoking), once a session exists. */
export const selectStacksConsoleUrl = (snapshot: CloudConnectSnapshot): string | null =>
  snapshot.context.session?.stacksConsoleUrl ?? null;

/** What the status line is made of (`selectStatus`); compare two with `shallowEqual`. */
export interface CloudConnectStatus {
  step: CloudConnectStep;
  isSlow: boolean;
  /** The server heard from CloudFormation that the stack is being created (stack events on). */
  isStackCreating: boolean;
  /**
   * The account the status line names (connected, revoked): the connection's when there is one;
   * empty while the ID is being typed, so typing does not change the status.
   */
  accountId: string;
  error: ErrorInfo | null;
}

/**
 * The status line's inputs, for `statusMessage`. A new object each call: select it with
 * `shallowEqual` so a component re-renders only when a field changes.
 * @example
 * const status = useSelector(actor, selectStatus, shallowEqual);
 * return <p role="status">{statusMessage(status, messages)}</p>;
 */
export const selectStatus = (snapshot: CloudConnectSnapshot): CloudConnectStatus => {
  const { context } = snapshot;
  const { state, step } = stepOf(snapshot.value);
  return {
    step,
    isSlow: selectIsSlow(snapshot),
    isStackCreating:
      step === 'verifying' &&
      context.lastCheck?.status === 'pending' &&
      context.lastCheck.reason === 'creating',
    accountId: context.connection?.accountId ?? (state === 'disconnected' ? '' : context.accountId),
    error: context.error,
  };
};

/** Whether two objects have the same keys with `Object.is`-equal values (one level deep). */
export function shallowEqual<T extends object>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  const keys = Object.keys(a) as (keyof T)[];
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && Object.is(a[key], b[key]))
  );
}

// Steps with a status line of their own (`status.<step>`); the others show their error.
const STATUS_STEPS: readonly CloudConnectStep[] = [
  'editing',
  'creatingSession',
  'ready',
  'verifying',
  'connected',
  'checkingBlockers',
  'deletingStack',
  'confirming',
  'revoked',
];

/** One line for a polite live region, in the host's language (what `connect().statusMessage` is). */
export function statusMessage(status: CloudConnectStatus, messages?: MessageOverrides): string {
  // Loading the link for an existing connection reads like checking blockers to the user.
  const step = status.step === 'loadingLink' ? 'checkingBlockers' : status.step;
  const id: keyof typeof statusMessages | undefined = status.isSlow
    ? 'status.slow'
    : status.isStackCreating
      ? 'status.stackCreating'
      : STATUS_STEPS.includes(step)
        ? (`status.${step}` as keyof typeof statusMessages)
        : undefined;
  return id
    ? formatMessage(statusMessages, id, { accountId: formatAccountId(status.accountId) }, messages)
    : (localizeError(status.error, messages)?.message ?? '');
}

/** The error with the host's override of its code's message, when there is one. */
export function localizeError(
  error: ErrorInfo | null,
  messages?: MessageOverrides,
): ErrorInfo | null {
  const override = error && messages?.[`error.${error.code}`];
  return error && override ? { ...error, message: override } : error;
}

/**
 * The account ID error in the host's language: the field is parsed again with `messages`; a
 * server's refusal of a well-formed ID keeps its own message unless `error.INVALID_ACCOUNT_ID`
 * is overridden.
 */
export function localizeAccountIdError(
  accountId: string,
  accountIdError: string | null,
  messages?: MessageOverrides,
): string | null {
  if (accountIdError === null) return null;
  const parsed = parseAccountId(accountId, messages);
  return parsed.ok ? (messages?.['error.INVALID_ACCOUNT_ID'] ?? accountIdError) : parsed.message;
}
