/**
 * Northwind, a made-up partner product: its dashboard shell (navigation, the signed-in user),
 * the Connect and Account pages built on Cloud Connect's headless parts, and the sandbox panel
 * when the demo runs on the sandbox.
 */
import type { Connection } from '@porter/cloud-connect';
import { useCloudConnections } from '@porter/cloud-connect-react';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { AccountPage } from './account-page';
import { backend } from './backend';
import { CONNECT_FLOW_KEY, ConnectPage } from './connect-page';
import { type DemoConfig, demoApi } from './demo-api';
import { pageLinkProps, usePage } from './navigation';
import { SandboxPanel } from './sandbox-panel';

/**
 * The tenant's connection as the server knows it: undefined while loading. Read again whenever
 * the connected accounts list changes (a row's removal or re-check), so the page and the
 * navigation's badge follow it.
 */
function useConnection() {
  const [connection, setConnection] = useState<Connection | null | undefined>(undefined);
  const { connections } = useCloudConnections({ backend });
  const refresh = useCallback(async () => {
    setConnection((await backend.getConnection?.()) ?? null);
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read again when the list changes
  useEffect(() => {
    void refresh();
  }, [connections, refresh]);
  return { connection, refresh };
}

// The next page load signs in as a new tenant; the old tenant's saved flow must not follow it.
async function signOut() {
  await demoApi.signOut();
  window.sessionStorage.removeItem(CONNECT_FLOW_KEY);
  window.location.assign('/connect');
}

export function App(): ReactNode {
  const [config, setConfig] = useState<DemoConfig | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    demoApi.config().then(setConfig, (error: Error) => setFailure(error.message));
  }, []);

  if (failure) {
    return (
      <main className="boot">
        <p role="alert">Northwind could not start: {failure}</p>
      </main>
    );
  }
  if (!config) {
    return (
      <main className="boot" aria-busy="true">
        <p>Loading Northwind…</p>
      </main>
    );
  }
  return <Dashboard config={config} />;
}

function Dashboard({ config }: { config: DemoConfig }) {
  const page = usePage();
  const { connection, refresh } = useConnection();
  return (
    <div className="shell" data-mode={config.mode}>
      <header className="topbar">
        <a className="brand" {...pageLinkProps('connect')}>
          <span className="brand-mark" aria-hidden="true">
            N
          </span>
          Northwind
        </a>
        <div className="user">
          <span className="user-name">Demo user · workspace {config.tenant}</span>
          <button type="button" className="button button-quiet" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="sidebar" aria-label="Main">
        <ul>
          <li>
            <a {...pageLinkProps('connect')} aria-current={page === 'connect' ? 'page' : undefined}>
              Connect AWS
            </a>
          </li>
          <li>
            <a {...pageLinkProps('account')} aria-current={page === 'account' ? 'page' : undefined}>
              Cloud account
              {connection && <span className="badge">connected</span>}
            </a>
          </li>
        </ul>
      </nav>
      <main className="content">
        {page === 'connect' ? (
          <ConnectPage config={config} connection={connection} onConnected={refresh} />
        ) : (
          <AccountPage config={config} connection={connection} onRevoked={refresh} />
        )}
      </main>
      {config.mode === 'sandbox' && <SandboxPanel />}
    </div>
  );
}
