/**
 * The Account page: the connection, Northwind's clusters in that account, and the removal of
 * access (clusters first, then the stack), on Cloud Connect's parts.
 */
import type { Connection } from '@porter/cloud-connect';
import {
  CloudConnect,
  selectStage,
  useCloudConnectSelector,
  useCloudConnectStep,
} from '@porter/cloud-connect-react';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { backend } from './backend';
import { announceClusterDeleted, RecheckBlockersOnClusterDeletion } from './cluster-deletions';
import { CONNECT_FLOW_KEY } from './connect-page';
import { ConnectedAccounts } from './connected-accounts';
import { type Cluster, type DemoConfig, demoApi } from './demo-api';
import { pageLinkProps } from './navigation';

interface AccountPageProps {
  config: DemoConfig;
  connection: Connection | null | undefined;
  onRevoked: () => void;
}

export function AccountPage({ config, connection, onRevoked }: AccountPageProps): ReactNode {
  // The connection this page opened stays on screen after it is revoked, to say so.
  const [opened, setOpened] = useState<Connection | null>(null);
  useEffect(() => {
    if (connection) setOpened((current) => current ?? connection);
  }, [connection]);

  if (!opened) {
    return (
      <>
        <h1>Cloud account</h1>
        {connection === undefined ? (
          <p aria-busy="true">Loading…</p>
        ) : (
          <div className="card empty">
            <h2>No AWS account connected</h2>
            <p>Connect an AWS account to run clusters in it.</p>
            <a className="button button-primary" {...pageLinkProps('connect')}>
              Connect AWS
            </a>
          </div>
        )}
      </>
    );
  }
  return (
    <>
      <h1>Cloud account</h1>
      <CloudConnect.Provider
        backend={backend}
        timing={config.timing}
        messages={MESSAGES}
        connection={opened}
        onRevoked={() => {
          // The Connect page's saved flow ended connected; it starts over next time.
          window.sessionStorage.removeItem(CONNECT_FLOW_KEY);
          onRevoked();
        }}
      >
        <CloudConnect.Root className="card flow">
          <ConnectionScreen />
          <RecheckBlockersOnClusterDeletion />
        </CloudConnect.Root>
        <Clusters accountId={opened.accountId} />
      </CloudConnect.Provider>
      <ConnectedAccounts config={config} />
    </>
  );
}

// Northwind's words where the catalog's fit Porter's own dashboard better.
const MESSAGES = {
  'part.retry': 'Check again',
  'error.REVOKE_BLOCKED':
    'Northwind still runs these clusters in the account. Delete them below; the removal goes on once they are gone.',
};

const BLOCKER_STEPS = ['checkingBlockers', 'blockersUnknown', 'blocked'];

function ConnectionScreen() {
  const stage = useCloudConnectSelector(selectStage);
  const step = useCloudConnectStep();
  const error = <CloudConnect.ErrorMessage className="alert" />;
  switch (stage) {
    case 'connected':
    case 'account':
    case 'launch':
      return (
        <section className="screen">
          <CloudConnect.Heading>Connection</CloudConnect.Heading>
          <CloudConnect.ConnectionSummary className="summary" />
          {error}
          <div className="danger-zone">
            <div>
              <h3>Remove Porter's access</h3>
              <p>
                Deletes nothing by itself: Northwind checks that no cluster is left in the account,
                then you delete the PorterRole stack in the AWS console.
              </p>
            </div>
            <CloudConnect.RevokeButton className="button button-danger" />
          </div>
        </section>
      );
    case 'revoke':
    case 'failed':
      return (
        <section className="screen">
          <CloudConnect.Heading>Remove Porter's access</CloudConnect.Heading>
          <CloudConnect.RevocationStatus className="status" />
          {error}
          <CloudConnect.BlockerList className="blocker-list" />
          <div className="actions">
            {stage === 'revoke' && !BLOCKER_STEPS.includes(step) && (
              <CloudConnect.DeleteStackLink className="button button-danger" />
            )}
            <CloudConnect.CancelRevokeButton className="button button-quiet" />
          </div>
        </section>
      );
    case 'revoked':
      return (
        <section className="screen">
          <CloudConnect.Heading>Access removed</CloudConnect.Heading>
          <CloudConnect.RevocationStatus className="status status-success" />
          <p>
            Porter can no longer act in this account.{' '}
            <a {...pageLinkProps('connect')}>Connect an account</a> to run clusters again.
          </p>
        </section>
      );
  }
}

function Clusters({ accountId }: { accountId: string }) {
  const stage = useCloudConnectSelector(selectStage);
  const [clusters, setClusters] = useState<Cluster[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = useCallback(async (work: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(null);
    try {
      await work();
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setBusy(false);
    }
  }, []);
  const reload = useCallback(
    () => run(async () => setClusters(await demoApi.clusters(accountId))),
    [run, accountId],
  );
  useEffect(() => {
    void reload();
  }, [reload]);

  const remove = (cluster: Cluster) =>
    run(async () => {
      await demoApi.deleteCluster(cluster.id);
      announceClusterDeleted();
      setClusters(await demoApi.clusters(accountId));
    });

  return (
    <section className="card" id="clusters" aria-labelledby="clusters-heading">
      <div className="card-header">
        <h2 id="clusters-heading">Clusters</h2>
        <button
          type="button"
          className="button"
          disabled={busy || stage !== 'connected'}
          onClick={() =>
            run(async () => {
              await demoApi.createCluster(accountId);
              setClusters(await demoApi.clusters(accountId));
            })
          }
        >
          Create cluster
        </button>
      </div>
      {problem && (
        <p className="alert" role="alert">
          {problem}
        </p>
      )}
      {clusters === null ? (
        <p aria-busy="true">Loading clusters…</p>
      ) : clusters.length === 0 ? (
        <p className="muted">No clusters in this account.</p>
      ) : (
        <ul className="cluster-list">
          {clusters.map((cluster) => (
            <li key={cluster.id}>
              <span className="cluster-name">{cluster.name}</span>
              <span className="muted">EKS · us-east-1</span>
              <button
                type="button"
                className="button button-quiet"
                disabled={busy}
                onClick={() => void remove(cluster)}
                aria-label={`Delete cluster ${cluster.name}`}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
