import type { SnapshotFrom } from 'xstate';
import { formatAccountId, parseAccountId } from '../account-id';
import type { Blocker, Connection, ConnectionCheck, ConnectSession } from '../backend';
import type { ErrorInfo } from '../errors';
import { type MessageId, type MessageOverrides, messageFor } from '../messages';
import { type CloudConnectIds, getCloudConnectIds } from './cloud-connect.dom';
import type { CloudConnectMachine } from './cloud-connect.machine';
import type { CloudConnectEvent, CloudConnectState } from './cloud-connect.types';

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

/** Options of `connect`. */
export interface ConnectOptions {
  /** Overrides of the message catalog (status lines, errors), to translate or reword. */
  messages?: MessageOverrides;
  /** Prefix of the element ids (e.g. React's `useId()`). @default 'cloud-connect' */
  id?: string;
}

/** Data attributes every part carries, so CSS can style state. */
export interface PartAttributes {
  'data-scope': 'cloud-connect';
  'data-part': string;
  'data-state': CloudConnectStep;
}

/** Something `window.open`-like: returns the new window, or null when a popup blocker stopped it. */
export type OpenWindow = (url: string, target: string) => { opener: unknown } | null;

/** The framework-free view API: values, and prop getters to spread on elements. */
export interface CloudConnectApi {
  state: CloudConnectState;
  step: CloudConnectStep;
  ids: CloudConnectIds;
  /** The account ID as typed. */
  accountId: string;
  /** The account ID's problem, shown after blur or submit. */
  accountIdError: string | null;
  isEditing: boolean;
  isCreatingSession: boolean;
  /** The quick-create link is ready and the user has not launched it yet. */
  isReady: boolean;
  isVerifying: boolean;
  /** A backend request is in flight. */
  isChecking: boolean;
  /** Verification takes longer than usual: show troubleshooting (polling goes on). */
  isSlow: boolean;
  isTimedOut: boolean;
  isConnected: boolean;
  isAccessLost: boolean;
  isRevoking: boolean;
  isRevokeBlocked: boolean;
  isRevoked: boolean;
  isFailed: boolean;
  /** The last launch went through a popup the browser blocked: point to the link instead. */
  popupBlocked: boolean;
  /** Whether RETRY does something now. */
  canRetry: boolean;
  quickCreateUrl: string | null;
  stacksConsoleUrl: string | null;
  session: ConnectSession | null;
  connection: Connection | null;
  error: ErrorInfo | null;
  blockers: Blocker[];
  attempts: number;
  lastCheck: ConnectionCheck | null;
  /** One line for a polite live region, in the host's language. */
  statusMessage: string;

  setAccountId(value: string): void;
  submit(): void;
  verifyNow(): void;
  retry(): void;
  edit(): void;
  cancel(): void;
  startRevoke(): void;
  recheckBlockers(): void;
  cancelRevoke(): void;
  /**
   * Opens the quick-create link with a `window.open`-like function and sends `STACK.LAUNCHED`,
   * with `popupBlocked` when it returned null (the UI then falls back to the link).
   * @returns whether a window opened
   */
  launchInPopup(open: OpenWindow): boolean;

  getRootProps(): PartAttributes & { id: string };
  getFormProps(): PartAttributes & {
    noValidate: true;
    onSubmit(event?: { preventDefault(): void }): void;
  };
  getLabelProps(): PartAttributes & { id: string; htmlFor: string };
  getAccountIdInputProps(): PartAttributes & {
    id: string;
    name: string;
    type: 'text';
    inputMode: 'numeric';
    autoComplete: 'off';
    spellCheck: false;
    value: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
    onChange(event: { currentTarget: { value: string } }): void;
    onBlur(): void;
  };
  getAccountIdErrorProps(): PartAttributes & { id: string; hidden: boolean };
  getSubmitButtonProps(): ButtonProps & { type: 'submit' };
  getLaunchLinkProps(): LinkProps;
  getStatusProps(): PartAttributes & {
    id: string;
    role: 'status';
    'aria-live': 'polite';
    'aria-atomic': true;
  };
  getVerifyButtonProps(): ButtonProps;
  getRetryButtonProps(): ButtonProps;
  getEditButtonProps(): ButtonProps;
  getCancelButtonProps(): ButtonProps;
  getRevokeButtonProps(): ButtonProps;
  getRecheckBlockersButtonProps(): ButtonProps;
  getCancelRevokeButtonProps(): ButtonProps;
  getBlockerListProps(): PartAttributes & { id: string; hidden: boolean };
  getStacksConsoleLinkProps(): LinkProps;
}

/** Props of a button part. */
export type ButtonProps = PartAttributes & {
  type: 'button' | 'submit';
  disabled: boolean;
  'aria-busy'?: boolean;
  onClick(): void;
};

/** Props of a link part that opens the AWS console in a new tab. */
export type LinkProps = PartAttributes & {
  id: string;
  href: string | undefined;
  target: '_blank';
  rel: 'noopener noreferrer';
  'aria-disabled': boolean;
  onClick(): void;
  /** A middle click opens the link too. */
  onAuxClick(): void;
};

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

// Events that carry nothing but their type: what buttons and the plain methods send.
type SimpleEventType = Exclude<CloudConnectEvent['type'], 'ACCOUNT_ID.CHANGE'>;

/**
 * The framework-free view API (zag style): derive everything a UI needs from a snapshot, and
 * prop getters that send events. Pure: call it on every snapshot.
 *
 * @example
 * actor.subscribe((snapshot) => render(connect(snapshot, actor.send)));
 */
export function connect(
  snapshot: CloudConnectSnapshot,
  send: (event: CloudConnectEvent) => void,
  options: ConnectOptions = {},
): CloudConnectApi {
  const { context } = snapshot;
  const { messages } = options;
  const ids = getCloudConnectIds(options.id);
  const { state, step } = stepOf(snapshot.value);
  const session = context.session;
  const isSlow = snapshot.hasTag('slow');
  const isChecking = snapshot.hasTag('checking') || snapshot.hasTag('loading');
  const isEditing = step === 'editing' || step === 'sessionFailed';
  const isCreatingSession = step === 'creatingSession';
  const error = localize(context.error, messages);
  const accountIdError =
    context.accountIdError === null
      ? null
      : accountIdMessage(context.accountId, context.accountIdError, messages);
  const accountId = context.connection?.accountId ?? context.accountId;
  const canRetry = snapshot.can({ type: 'RETRY' });
  const showsLaunchLink =
    state === 'connecting' || (state === 'failed' && context.failedStep !== 'revoke');
  const quickCreateUrl = showsLaunchLink ? (session?.quickCreateUrl ?? null) : null;
  const stacksConsoleUrl = session?.stacksConsoleUrl ?? null;

  // Loading the link for an existing connection reads like checking blockers to the user.
  const statusStep = step === 'loadingLink' ? 'checkingBlockers' : step;
  const statusId: MessageId | undefined = isSlow
    ? 'status.slow'
    : STATUS_STEPS.includes(statusStep)
      ? (`status.${statusStep}` as MessageId)
      : undefined;
  const statusMessage = statusId
    ? messageFor(statusId, { accountId: formatAccountId(accountId) }, messages)
    : (error?.message ?? '');

  const sends = (type: SimpleEventType) => () => send({ type });
  const part = (name: string): PartAttributes => ({
    'data-scope': 'cloud-connect',
    'data-part': name,
    'data-state': step,
  });
  const button = (name: string, type: SimpleEventType): ButtonProps => ({
    ...part(name),
    type: 'button',
    disabled: !snapshot.can({ type }),
    onClick: sends(type),
  });
  const link = (
    name: string,
    id: string,
    href: string | null,
    type: 'STACK.LAUNCHED' | 'REVOKE.STACK_DELETE_LAUNCHED',
  ): LinkProps => {
    const onClick = () => {
      if (href) send({ type });
    };
    return {
      ...part(name),
      id,
      href: href ?? undefined,
      target: '_blank',
      rel: 'noopener noreferrer',
      'aria-disabled': !href,
      onClick,
      onAuxClick: onClick,
    };
  };

  return {
    state,
    step,
    ids,
    accountId: context.accountId,
    accountIdError,
    isEditing,
    isCreatingSession,
    isReady: step === 'ready',
    isVerifying: step === 'verifying',
    isChecking,
    isSlow,
    isTimedOut: step === 'timedOut',
    isConnected: state === 'connected',
    isAccessLost: step === 'accessLost',
    isRevoking: state === 'revoking',
    isRevokeBlocked: step === 'blocked',
    isRevoked: state === 'revoked',
    isFailed: state === 'failed',
    popupBlocked: context.popupBlocked,
    canRetry,
    quickCreateUrl,
    stacksConsoleUrl,
    session,
    connection: context.connection,
    error,
    blockers: context.blockers,
    attempts: context.attempts,
    lastCheck: context.lastCheck,
    statusMessage,

    setAccountId: (value) => send({ type: 'ACCOUNT_ID.CHANGE', value }),
    submit: sends('ACCOUNT_ID.SUBMIT'),
    verifyNow: sends('VERIFY.NOW'),
    retry: sends('RETRY'),
    edit: sends('EDIT'),
    cancel: sends('CANCEL'),
    startRevoke: sends('REVOKE.START'),
    recheckBlockers: sends('REVOKE.RECHECK'),
    cancelRevoke: sends('REVOKE.CANCEL'),
    launchInPopup(open) {
      if (!quickCreateUrl) return false;
      // Not 'noopener' in the features: with it, window.open always returns null.
      const opened = open(quickCreateUrl, '_blank');
      if (opened) opened.opener = null;
      send({ type: 'STACK.LAUNCHED', popupBlocked: !opened });
      return opened !== null;
    },

    getRootProps: () => ({ ...part('root'), id: ids.root }),
    getFormProps: () => ({
      ...part('form'),
      noValidate: true,
      onSubmit(event) {
        event?.preventDefault();
        send({ type: 'ACCOUNT_ID.SUBMIT' });
      },
    }),
    getLabelProps: () => ({ ...part('label'), id: ids.label, htmlFor: ids.input }),
    getAccountIdInputProps: () => ({
      ...part('account-id-input'),
      id: ids.input,
      name: 'accountId',
      type: 'text',
      inputMode: 'numeric',
      autoComplete: 'off',
      spellCheck: false,
      value: context.accountId,
      'aria-invalid': accountIdError !== null,
      'aria-describedby': accountIdError === null ? undefined : ids.error,
      onChange: (event) => send({ type: 'ACCOUNT_ID.CHANGE', value: event.currentTarget.value }),
      onBlur: sends('ACCOUNT_ID.BLUR'),
    }),
    getAccountIdErrorProps: () => ({
      ...part('account-id-error'),
      id: ids.error,
      hidden: accountIdError === null,
    }),
    getSubmitButtonProps: () => ({
      ...button('submit', 'ACCOUNT_ID.SUBMIT'),
      type: 'submit',
      disabled: !isEditing,
      'aria-busy': isCreatingSession,
    }),
    getLaunchLinkProps: () => link('launch-link', ids.launchLink, quickCreateUrl, 'STACK.LAUNCHED'),
    getStatusProps: () => ({
      ...part('status'),
      id: ids.status,
      role: 'status',
      'aria-live': 'polite',
      'aria-atomic': true,
    }),
    getVerifyButtonProps: () => ({
      ...button('verify-button', 'VERIFY.NOW'),
      'aria-busy': isChecking,
    }),
    getRetryButtonProps: () => button('retry-button', 'RETRY'),
    getEditButtonProps: () => button('edit-button', 'EDIT'),
    getCancelButtonProps: () => button('cancel-button', 'CANCEL'),
    getRevokeButtonProps: () => button('revoke-button', 'REVOKE.START'),
    getRecheckBlockersButtonProps: () => ({
      ...button('recheck-button', 'REVOKE.RECHECK'),
      'aria-busy': step === 'checkingBlockers',
    }),
    getCancelRevokeButtonProps: () => button('cancel-revoke-button', 'REVOKE.CANCEL'),
    getBlockerListProps: () => ({
      ...part('blocker-list'),
      id: ids.blockers,
      hidden: context.blockers.length === 0,
    }),
    getStacksConsoleLinkProps: () =>
      link(
        'stacks-console-link',
        ids.stacksConsoleLink,
        stacksConsoleUrl,
        'REVOKE.STACK_DELETE_LAUNCHED',
      ),
  };
}

// The catalog message wins when the host overrides it; otherwise the message as reported.
function localize(error: ErrorInfo | null, messages?: MessageOverrides): ErrorInfo | null {
  const override = error && messages?.[`error.${error.code}`];
  return error && override ? { ...error, message: override } : error;
}

// Re-reads the field so the message is in the host's language; a server's refusal keeps its own.
function accountIdMessage(accountId: string, shown: string, messages?: MessageOverrides): string {
  const parsed = parseAccountId(accountId, messages);
  return parsed.ok ? (messages?.['error.INVALID_ACCOUNT_ID'] ?? shown) : parsed.message;
}
