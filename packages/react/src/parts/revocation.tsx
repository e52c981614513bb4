import {
  type Blocker,
  type CloudConnectSnapshot,
  selectBlockers,
  selectStacksConsoleUrl,
  selectStatus,
  shallowEqual,
  statusMessage,
} from '@porter/cloud-connect';
import { useSelector } from '@xstate/react';
import { forwardRef, type ReactNode } from 'react';
import { useCloudConnectContext } from '../cloud-connect-context';
import { partMessage } from '../messages';
import { REVOCATION_STEPS } from './launch';
import { type PartProps, renderPart, usePart } from './part';

/** Props of `BlockerList`. */
export type BlockerListProps = Omit<PartProps<'ul'>, 'children'> & {
  /** Renders one blocker; by default an `li` with its name, a link when it has `href`. */
  children?: (blocker: Blocker) => ReactNode;
};

/** What must go before access is revoked (the clusters Porter runs there); hidden when nothing. */
export const BlockerList = forwardRef<HTMLUListElement, BlockerListProps>(function BlockerList(
  { children, ...props },
  ref,
) {
  const { api } = usePart(selectBlockers);
  return renderPart(
    'ul',
    api.getBlockerListProps(),
    props,
    ref,
    api.blockers.map((blocker) =>
      children ? (
        children(blocker)
      ) : (
        <li key={blocker.id} data-part="blocker" data-kind={blocker.kind}>
          {blocker.href ? <a href={blocker.href}>{blocker.name}</a> : blocker.name}
        </li>
      ),
    ),
  );
});

/**
 * The CloudFormation console's stack list, filtered to the stack, where the user deletes it;
 * following it sends `REVOKE.STACK_DELETE_LAUNCHED` and the flow waits for the deletion.
 */
export const DeleteStackLink = forwardRef<HTMLAnchorElement, PartProps<'a'>>(
  function DeleteStackLink(props, ref) {
    const { api, context } = usePart(selectStacksConsoleUrl);
    return renderPart(
      'a',
      api.getStacksConsoleLinkProps(),
      props,
      ref,
      partMessage('part.deleteStack', context.messages),
    );
  },
);

/** Props of `RevocationStatus`. */
export type RevocationStatusProps = Omit<PartProps<'div'>, 'children'> & {
  children?: ReactNode | ((message: string) => ReactNode);
};

/**
 * The revocation's status line, a polite live region: checking for clusters, waiting for the
 * deletion, revoked. Empty outside revocation (`VerificationStatus` speaks then) and on a step
 * that only has an error (`ErrorMessage` says it).
 */
export const RevocationStatus = forwardRef<HTMLDivElement, RevocationStatusProps>(
  function RevocationStatus({ children, ...props }, ref) {
    const { actor, messages } = useCloudConnectContext();
    const { api, step } = usePart();
    const status = useSelector(actor, selectStatus, shallowEqual);
    const message = REVOCATION_STEPS.includes(step)
      ? statusMessage({ ...status, error: null }, messages)
      : '';
    const content = typeof children === 'function' ? children(message) : (children ?? message);
    return renderPart(
      'div',
      {
        ...api.getStatusProps(),
        id: `${api.ids.status}-revocation`,
        'data-part': 'revocation-status',
      },
      { ...props, children: props.asChild ? (children as ReactNode) : content },
      ref,
    );
  },
);

/**
 * Sends `REVOKE.RECHECK` ("Check again"): lists the blockers again once the user removed them.
 * Enabled while blocked (or the list could not load), `aria-busy` while the list loads.
 */
export const RecheckBlockersButton = forwardRef<HTMLButtonElement, PartProps<'button'>>(
  function RecheckBlockersButton(props, ref) {
    const { api, context } = usePart();
    return renderPart(
      'button',
      api.getRecheckBlockersButtonProps(),
      props,
      ref,
      partMessage('part.recheckBlockers', context.messages),
    );
  },
);

// A failure cancels back to connected only when revoking failed: the guard reads the error.
const selectCanCancelRevoke = (snapshot: CloudConnectSnapshot) =>
  snapshot.can({ type: 'REVOKE.CANCEL' });

/**
 * Sends `REVOKE.CANCEL` ("Keep the connection"): stops revoking and goes back to connected,
 * at any revocation step or after a revocation failed.
 */
export const CancelRevokeButton = forwardRef<HTMLButtonElement, PartProps<'button'>>(
  function CancelRevokeButton(props, ref) {
    const { api, context } = usePart(selectCanCancelRevoke);
    return renderPart(
      'button',
      api.getCancelRevokeButtonProps(),
      props,
      ref,
      partMessage('part.cancelRevoke', context.messages),
    );
  },
);
