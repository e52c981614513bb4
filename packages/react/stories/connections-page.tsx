import {
  type CloudConnectTiming,
  type ConnectBackend,
  type ConnectedAccount,
  type ConnectionsBackend,
  formatAccountId,
} from '@porter/cloud-connect';
import { type ComponentType, memo, type ReactNode, useId } from 'react';
import {
  CloudConnect,
  ConnectionList,
  ConnectionListItem,
  ConnectionListItemAction,
  ConnectionListItemFlow,
  useCloudConnections,
} from '../src';

/**
 * An account page listing every connected AWS account of the tenant, each with "Check again" and
 * "Remove access": what docs/react.md shows, what the stories and the tests render.
 */
export function ConnectionsPage({
  backend,
  limit,
  timing,
  Row = ConnectionRow,
}: {
  /** `createHttpBackend(...)`: the flows' calls and the connections'. */
  backend: ConnectBackend & ConnectionsBackend;
  limit?: number;
  /** The items' flows' timing (a constant: a new object re-renders every row). */
  timing?: Partial<CloudConnectTiming>;
  /** The row component (tests count its renders). */
  Row?: ComponentType<{ connection: ConnectedAccount }>;
}): ReactNode {
  const { connections, status, error, hasMore, isFetching, loadMore, refetch } =
    useCloudConnections({ backend, ...(limit !== undefined && { limit }) });
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} aria-busy={isFetching} className="cc-accounts">
      <h2 id={headingId}>Connected AWS accounts</h2>
      {status === 'loading' && <p role="status">Loading your AWS accounts…</p>}
      {status === 'error' && (
        <div role="alert" className="cc-error">
          <p>{error?.message}</p>
          <button type="button" className="cc-button" onClick={refetch}>
            Try again
          </button>
        </div>
      )}
      {status === 'success' && connections.length === 0 && <p>No AWS account is connected yet.</p>}
      {connections.length > 0 && (
        <ConnectionList backend={backend} timing={timing} className="cc-connections">
          {connections.map((connection) => (
            <Row key={connection.accountId} connection={connection} />
          ))}
        </ConnectionList>
      )}
      {hasMore && (
        <button type="button" className="cc-button" onClick={loadMore}>
          Show more
        </button>
      )}
    </section>
  );
}

/**
 * One row. `memo` with the hook's connection objects (unchanged accounts keep their identity)
 * means a revoke or re-check re-renders only its own row.
 */
export const ConnectionRow = memo(function ConnectionRow({
  connection,
}: {
  connection: ConnectedAccount;
}) {
  return (
    <ConnectionListItem connection={connection} className="cc-connection">
      <strong>{formatAccountId(connection.accountId)}</strong> <code>{connection.roleArn}</code>{' '}
      <span>
        Verified <time dateTime={connection.verifiedAt}>{connection.verifiedAt.slice(0, 10)}</time>
      </span>
      {connection.updateDue && <span className="cc-badge"> Stack update due</span>}
      {connection.lastHealthCheck && connection.lastHealthCheck.status !== 'connected' && (
        <span className="cc-badge"> Access could not be confirmed</span>
      )}
      <ConnectionListItemAction action="recheck" className="cc-button" />
      <ConnectionListItemAction action="revoke" className="cc-button" />
      <ConnectionListItemAction action="close" className="cc-button" />
      <ConnectionListItemFlow className="cc-flow">
        <CloudConnect.VerificationStatus />
        <CloudConnect.BlockerList />
        <CloudConnect.DeleteStackLink className="cc-link" />
        <CloudConnect.RevocationStatus />
        <CloudConnect.ErrorMessage className="cc-error" />
      </ConnectionListItemFlow>
    </ConnectionListItem>
  );
});
