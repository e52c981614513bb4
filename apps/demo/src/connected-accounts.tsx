/**
 * Every AWS account the signed-in tenant connected, each with "Check again" and "Remove access"
 * (Cloud Connect's connections list). Revoking one here, or in the flow above, refetches it.
 */
import { type ConnectedAccount, formatAccountId } from '@porter/cloud-connect';
import {
  CloudConnect,
  ConnectionList,
  ConnectionListItem,
  ConnectionListItemAction,
  ConnectionListItemFlow,
  useCloudConnections,
} from '@porter/cloud-connect-react';
import { memo, type ReactNode } from 'react';
import { backend } from './backend';
import { RecheckBlockersOnClusterDeletion } from './cluster-deletions';
import type { DemoConfig } from './demo-api';

export function ConnectedAccounts({ config }: { config: DemoConfig }): ReactNode {
  const { connections, status, error, hasMore, loadMore, refetch } = useCloudConnections({
    backend,
  });
  return (
    <section className="card" aria-labelledby="connected-accounts-heading">
      <div className="card-header">
        <h2 id="connected-accounts-heading">Connected AWS accounts</h2>
      </div>
      {status === 'loading' && <p aria-busy="true">Loading accounts…</p>}
      {status === 'error' && (
        <p className="alert" role="alert">
          {error?.message}{' '}
          <button type="button" className="button button-quiet" onClick={refetch}>
            Try again
          </button>
        </p>
      )}
      {status === 'success' && connections.length === 0 && (
        <p className="muted">No AWS account is connected.</p>
      )}
      {connections.length > 0 && (
        <ConnectionList backend={backend} timing={config.timing} className="cluster-list">
          {connections.map((connection) => (
            <AccountRow key={connection.accountId} connection={connection} />
          ))}
        </ConnectionList>
      )}
      {hasMore && (
        <button type="button" className="button" onClick={loadMore}>
          Show more
        </button>
      )}
    </section>
  );
}

// memo: the list keeps unchanged connections identical, so a revoke re-renders its row only.
const AccountRow = memo(function AccountRow({ connection }: { connection: ConnectedAccount }) {
  const account = formatAccountId(connection.accountId);
  return (
    <ConnectionListItem connection={connection}>
      <span className="cluster-name">{account}</span>
      <span className="muted">
        {connection.updateDue
          ? 'Stack update due'
          : `Template ${connection.templateVersion ?? '?'}`}
      </span>
      {/* Named for the account: every row has these three buttons. */}
      <ConnectionListItemAction
        action="recheck"
        className="button button-quiet"
        aria-label={`Check again for ${account}`}
      />
      <ConnectionListItemAction
        action="revoke"
        className="button button-danger"
        aria-label={`Remove access to ${account}`}
      />
      <ConnectionListItemAction
        action="close"
        className="button button-quiet"
        aria-label={`Close ${account}`}
      />
      <ConnectionListItemFlow className="flow">
        <CloudConnect.VerificationStatus className="status" />
        <CloudConnect.RevocationStatus className="status" />
        <CloudConnect.ErrorMessage className="alert" />
        <CloudConnect.BlockerList className="blocker-list" />
        <CloudConnect.DeleteStackLink className="button button-danger" />
        <RecheckBlockersOnClusterDeletion />
      </ConnectionListItemFlow>
    </ConnectionListItem>
  );
});
