import type { Blocker, Connection, ConnectionCheck, ConnectSession } from '../backend';
import type { ErrorInfo } from '../errors';
import type { MessageOverrides } from '../messages';
import { type CloudConnectIds, getCloudConnectIds } from './cloud-connect.dom';
import {
  type CloudConnectSnapshot,
  type CloudConnectStep,
  localizeAccountIdError,
  localizeError,
  selectAttempts,
  selectBlockers,
  selectCanRetry,
  selectConnection,
  selectIsChecking,
  selectIsSlow,
  selectPopupBlocked,
  selectQuickCreateUrl,
  selectSession,
  selectStacksConsoleUrl,
  selectStatus,
  statusMessage,
  stepOf,
} from './cloud-connect.selectors';
import type { CloudConnectEvent, CloudConnectState } from './cloud-connect.types';

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

/**
 * What a prop getter's handler reads of the DOM event it gets (typed by shape, so core needs no
 * DOM types). A handler does nothing once `defaultPrevented` is set: a host's own handler that
 * runs first and calls `preventDefault()` skips Cloud Connect's.
 */
export interface PartEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

/** A pointer event on a link: `button` 1 is the middle button. */
export interface LinkEvent extends PartEvent {
  button?: number;
}

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
  /** `onSubmit` sends `ACCOUNT_ID.SUBMIT` (once per click or Enter) and prevents the page load. */
  getFormProps(): PartAttributes & {
    noValidate: true;
    onSubmit(event: PartEvent): void;
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
    onChange(event: PartEvent & { currentTarget: { value: string } }): void;
    onBlur(event: PartEvent): void;
  };
  getAccountIdErrorProps(): PartAttributes & { id: string; hidden: boolean };
  /** A submit button: it submits through the form's `onSubmit`, so it has no handler of its own. */
  getSubmitButtonProps(): PartAttributes & {
    type: 'submit';
    disabled: boolean;
    'aria-busy': boolean;
  };
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
  onClick(event: PartEvent): void;
};

/** Props of a link part that opens the AWS console in a new tab. */
export type LinkProps = PartAttributes & {
  id: string;
  href: string | undefined;
  target: '_blank';
  rel: 'noopener noreferrer';
  'aria-disabled': boolean;
  onClick(event: LinkEvent): void;
  /** A middle click opens the link too (other buttons, such as the context menu's, do not). */
  onAuxClick(event: LinkEvent): void;
};

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
  const isEditing = step === 'editing' || step === 'sessionFailed';
  const isCreatingSession = step === 'creatingSession';
  const isChecking = selectIsChecking(snapshot);
  const accountIdError = localizeAccountIdError(
    context.accountId,
    context.accountIdError,
    messages,
  );
  const quickCreateUrl = selectQuickCreateUrl(snapshot);
  const stacksConsoleUrl = selectStacksConsoleUrl(snapshot);

  const sends = (type: SimpleEventType) => () => send({ type });
  // A handler for a part: skipped when the host's own handler already prevented the default.
  const unlessPrevented =
    <E extends PartEvent>(handle: (event: E) => void) =>
    (event: E) => {
      if (!event.defaultPrevented) handle(event);
    };
  const part = (name: string): PartAttributes => ({
    'data-scope': 'cloud-connect',
    'data-part': name,
    'data-state': step,
  });
  const button = (name: string, type: SimpleEventType): ButtonProps => ({
    ...part(name),
    type: 'button',
    disabled: !snapshot.can({ type }),
    onClick: unlessPrevented(sends(type)),
  });
  const link = (
    name: string,
    id: string,
    href: string | null,
    type: 'STACK.LAUNCHED' | 'REVOKE.STACK_DELETE_LAUNCHED',
  ): LinkProps => {
    const onClick = unlessPrevented(() => {
      if (href) send({ type });
    });
    return {
      ...part(name),
      id,
      href: href ?? undefined,
      target: '_blank',
      rel: 'noopener noreferrer',
      'aria-disabled': !href,
      onClick,
      onAuxClick: (event) => {
        if (event.button === 1) onClick(event);
      },
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
    isSlow: selectIsSlow(snapshot),
    isTimedOut: step === 'timedOut',
    isConnected: state === 'connected',
    isAccessLost: step === 'accessLost',
    isRevoking: state === 'revoking',
    isRevokeBlocked: step === 'blocked',
    isRevoked: state === 'revoked',
    isFailed: state === 'failed',
    popupBlocked: selectPopupBlocked(snapshot),
    canRetry: selectCanRetry(snapshot),
    quickCreateUrl,
    stacksConsoleUrl,
    session: selectSession(snapshot),
    connection: selectConnection(snapshot),
    error: localizeError(context.error, messages),
    blockers: selectBlockers(snapshot),
    attempts: selectAttempts(snapshot),
    lastCheck: context.lastCheck,
    statusMessage: statusMessage(selectStatus(snapshot), messages),

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
      onSubmit: unlessPrevented((event) => {
        event.preventDefault();
        send({ type: 'ACCOUNT_ID.SUBMIT' });
      }),
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
      onChange: unlessPrevented((event) =>
        send({ type: 'ACCOUNT_ID.CHANGE', value: event.currentTarget.value }),
      ),
      onBlur: unlessPrevented(sends('ACCOUNT_ID.BLUR')),
    }),
    getAccountIdErrorProps: () => ({
      ...part('account-id-error'),
      id: ids.error,
      hidden: accountIdError === null,
    }),
    getSubmitButtonProps: () => ({
      ...part('submit'),
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
