import {
  type CloudConnectSnapshot,
  formatAccountId,
  type OpenWindow,
  type PermissionListItem,
  permissionList,
  selectIsChecking,
  selectPopupBlocked,
  selectQuickCreateUrl,
  selectStatus,
  shallowEqual,
  statusMessage,
} from '@porter/cloud-connect';
import { useSelector } from '@xstate/react';
import { forwardRef, type MouseEvent, type ReactNode, useEffect, useState } from 'react';
import { useCloudConnectContext } from '../cloud-connect-context';
import { partMessage } from '../messages';
import { type PartProps, partAttributes, renderPart, usePart } from './part';

/** Props of `PermissionList`. */
export type PermissionListProps = Omit<PartProps<'ul'>, 'children'> & {
  /** Renders one group; by default an `li` with its title and description. */
  children?: (item: PermissionListItem) => ReactNode;
};

/**
 * What the `porter-manager` role may do, from core's permission catalog (titles and one-line
 * descriptions, in the host's language): a list to show before the user creates the stack.
 */
export const PermissionList = forwardRef<HTMLUListElement, PermissionListProps>(
  function PermissionList({ children, ...props }, ref) {
    const { step, context } = usePart();
    const items = permissionList(context.messages);
    return renderPart(
      'ul',
      partAttributes('permission-list', step),
      props,
      ref,
      items.map((item) =>
        children ? (
          children(item)
        ) : (
          <li key={item.id} data-part="permission" data-permission={item.id}>
            <strong>{item.title}</strong> {item.description}
          </li>
        ),
      ),
    );
  },
);

/** Props of `LaunchStackLink`. */
export type LaunchStackLinkProps = PartProps<'a'> & {
  /**
   * Open the console with `window.open` (a popup the page can watch) instead of following the
   * link. When the browser blocks the popup, the part falls back to the plain link and says so.
   * @default false
   */
  popup?: boolean;
  /** The `window.open`-like function the popup variant calls. @default window.open */
  open?: OpenWindow;
};

/**
 * The quick-create link that creates the `PorterRole` stack in the AWS console: an anchor with
 * `target="_blank"`, so popup blockers never stop it. Following it sends `STACK.LAUNCHED`.
 */
export const LaunchStackLink = forwardRef<HTMLAnchorElement, LaunchStackLinkProps>(
  function LaunchStackLink({ popup = false, open, ...props }, ref) {
    const { api, context } = usePart(selectQuickCreateUrl, selectPopupBlocked);
    const blocked = api.popupBlocked;
    const ours: Record<string, unknown> = {
      ...api.getLaunchLinkProps(),
      'data-popup-blocked': blocked ? '' : undefined,
    };
    if (popup && !blocked) {
      ours.onClick = (event: MouseEvent) => {
        event.preventDefault();
        api.launchInPopup(open ?? ((url, target) => window.open(url, target)));
      };
    }
    const label = blocked ? 'part.launchPopupBlocked' : 'part.launch';
    return renderPart('a', ours, props, ref, partMessage(label, context.messages));
  },
);

// Whether "check now" does something: not while a check is in flight (it is `aria-busy` then).
const selectCanVerifyNow = (snapshot: CloudConnectSnapshot) => snapshot.can({ type: 'VERIFY.NOW' });

/**
 * Sends `VERIFY.NOW`: checks for the role at once instead of at the next poll (for a user back
 * from the console), or starts checking before the link was followed. `aria-busy` while a check
 * is in flight; disabled where checking now does nothing.
 */
export const VerifyNowButton = forwardRef<HTMLButtonElement, PartProps<'button'>>(
  function VerifyNowButton(props, ref) {
    const { api, context } = usePart(selectCanVerifyNow, selectIsChecking);
    return renderPart(
      'button',
      api.getVerifyButtonProps(),
      props,
      ref,
      partMessage('part.verifyNow', context.messages),
    );
  },
);

/** What `VerificationStatus` knows, for a host that renders it itself. */
export interface VerificationStatusState {
  /** The step's status line in the host's language; empty on a step that only has an error. */
  message: string;
  /** Time since the stack was launched, while verifying; null before the first tick. */
  elapsedMs: number | null;
  isSlow: boolean;
  isTimedOut: boolean;
}

/** Props of `VerificationStatus`. */
export type VerificationStatusProps = Omit<PartProps<'div'>, 'children'> & {
  children?: ReactNode | ((status: VerificationStatusState) => ReactNode);
};

const selectLaunchedAt = (snapshot: CloudConnectSnapshot) => snapshot.context.launchedAt;
const selectStackName = (snapshot: CloudConnectSnapshot) => snapshot.context.session?.stackName;

/** `m:ss` (minutes go on past 59: verification times out long before a day). */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

// Ticks once a second while `since` is set; null otherwise (and on the server's render).
function useElapsed(since: number | null): number | null {
  const [elapsed, setElapsed] = useState<number | null>(null);
  useEffect(() => {
    if (since === null) {
      setElapsed(null);
      return;
    }
    const tick = () => setElapsed(Date.now() - since);
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [since]);
  return elapsed;
}

/**
 * The verification status, a polite live region (`role="status"`): the step's line, the time
 * since launch while verifying (hidden from the live region, so it is not read every second),
 * troubleshooting once it is slow (`data-slow`), the timeout (`data-state="timedOut"`, its
 * message in `ErrorMessage`). Errors show in `ErrorMessage` only, so nothing is said twice.
 * Empty while revoking (`RevocationStatus`).
 */
export const VerificationStatus = forwardRef<HTMLDivElement, VerificationStatusProps>(
  function VerificationStatus({ children, ...props }, ref) {
    const { actor, messages } = useCloudConnectContext();
    const { api, step } = usePart();
    const status = useSelector(actor, selectStatus, shallowEqual);
    const launchedAt = useSelector(actor, selectLaunchedAt);
    const stackName = useSelector(actor, selectStackName) ?? 'PorterRole';
    const elapsedMs = useElapsed(step === 'verifying' ? launchedAt : null);
    const revoking = REVOCATION_STEPS.includes(step);
    const state: VerificationStatusState = {
      message: revoking ? '' : statusMessage({ ...status, error: null }, messages),
      elapsedMs,
      isSlow: status.isSlow,
      isTimedOut: step === 'timedOut',
    };
    const content =
      typeof children === 'function' ? (
        children(state)
      ) : children !== undefined ? (
        children
      ) : (
        <>
          {state.message}
          {elapsedMs !== null && (
            <span data-part="elapsed" aria-hidden="true">
              {' '}
              {partMessage('part.elapsed', messages, { elapsed: formatElapsed(elapsedMs) })}
            </span>
          )}
          {state.isSlow && (
            <ul data-part="troubleshooting">
              <li>
                {partMessage('part.troubleshootAccount', messages, {
                  accountId: formatAccountId(status.accountId),
                })}
              </li>
              <li>{partMessage('part.troubleshootAcknowledge', messages)}</li>
              <li>{partMessage('part.troubleshootStatus', messages, { stackName })}</li>
            </ul>
          )}
        </>
      );
    return renderPart(
      'div',
      {
        ...api.getStatusProps(),
        'data-part': 'verification-status',
        'data-slow': state.isSlow ? '' : undefined,
      },
      // With asChild, the host's one element is the part; its content is the host's.
      { ...props, children: props.asChild ? (children as ReactNode) : content },
      ref,
    );
  },
);

/** The steps `RevocationStatus` speaks for. */
export const REVOCATION_STEPS: readonly string[] = [
  'checkingBlockers',
  'blockersUnknown',
  'blocked',
  'loadingLink',
  'deletingStack',
  'confirming',
  'revoked',
];
