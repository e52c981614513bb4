import type { ConnectedAccount, ConnectionsBackend, ErrorInfo } from '@porter/cloud-connect';
import { useSyncExternalStore } from 'react';
import { connectionsStoreFor, INITIAL_CONNECTIONS_STATE } from './connections-store';

/** Options of `useCloudConnections`. */
export interface UseCloudConnectionsOptions {
  /**
   * Where the connections come from (`createHttpBackend(...)`). Pass the same object to the
   * flows of the page (`CloudConnect.Provider`, `ConnectionList`): a connect or revoke there
   * refetches this list.
   */
  backend: ConnectionsBackend;
  /** The page size, 1 to 200. @default 50 */
  limit?: number;
}

/** What `useCloudConnections` returns. */
export interface UseCloudConnectionsResult {
  /** Every connection loaded so far, newest verification first. Unchanged ones keep their identity. */
  connections: readonly ConnectedAccount[];
  /** `loading` until the first page arrives; `error` when the last fetch failed. */
  status: 'loading' | 'success' | 'error';
  /** The first page has not arrived yet. */
  isLoading: boolean;
  /** A fetch is in flight (the first one, a refetch or the next page). */
  isFetching: boolean;
  /** The last fetch's error; the list keeps what it had. */
  error: ErrorInfo | null;
  /** More pages are on the server. */
  hasMore: boolean;
  /** Fetches the next page and appends it. */
  loadMore: () => void;
  /** Fetches the list again (as many pages as are loaded). */
  refetch: () => void;
}

const serverState = () => INITIAL_CONNECTIONS_STATE;

/**
 * The tenant's connected AWS accounts, with loading and error states. Hooks on one backend share
 * one list; a flow on the same page that connects or revokes an account refetches it, and so
 * does the user coming back to the page (at most once every 5 s). Nothing
 * is fetched during server rendering.
 *
 * @example
 * const { connections, status, error, hasMore, loadMore } = useCloudConnections({ backend });
 * if (status === 'loading') return <p>Loading…</p>;
 * if (status === 'error') return <p role="alert">{error?.message}</p>;
 */
export function useCloudConnections(
  options: UseCloudConnectionsOptions,
): UseCloudConnectionsResult {
  const store = connectionsStoreFor(options.backend, options.limit);
  const state = useSyncExternalStore(store.subscribe, store.getState, serverState);
  return {
    ...state,
    isLoading: state.status === 'loading',
    loadMore: store.loadMore,
    refetch: store.refetch,
  };
}
