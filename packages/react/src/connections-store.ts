import {
  CloudConnectError,
  type ConnectedAccount,
  type ConnectionsBackend,
  DEFAULT_CONNECTIONS_PAGE_SIZE,
  type ErrorInfo,
  errorInfo,
} from '@porter/cloud-connect';

/** Where a tenant's connections list stands. */
export interface ConnectionsState {
  /** `loading` until the first page arrives; `error` when the last fetch failed. */
  status: 'loading' | 'success' | 'error';
  /** Every connection loaded so far, newest verification first. */
  connections: readonly ConnectedAccount[];
  /** The last fetch's error (the list keeps what it had). */
  error: ErrorInfo | null;
  /** A fetch is in flight (the first one, a refetch or the next page). */
  isFetching: boolean;
  /** More pages are on the server (`loadMore` fetches the next). */
  hasMore: boolean;
}

/** One list, shared by every hook on the same backend and page size. */
export interface ConnectionsStore {
  getState(): ConnectionsState;
  subscribe(listener: () => void): () => void;
  refetch(): void;
  loadMore(): void;
}

/** The state before anything was fetched, also what server rendering shows. */
export const INITIAL_CONNECTIONS_STATE: ConnectionsState = {
  status: 'loading',
  connections: [],
  error: null,
  isFetching: false,
  hasMore: false,
};

/**
 * The least time, in ms, between the end of a fetch and a refetch on the page's return (focus or
 * visibility): tabbing back and forth does not flood the server.
 */
export const REFETCH_ON_RETURN_MIN_GAP_MS = 5000;

// Stores by backend, then by page size: hooks on one backend share one list (one request).
const stores = new WeakMap<object, Map<number, ConnectionsStore>>();

/** The shared list of `backend`'s connections for a page size. */
export function connectionsStoreFor(
  backend: ConnectionsBackend,
  limit = DEFAULT_CONNECTIONS_PAGE_SIZE,
): ConnectionsStore {
  let byLimit = stores.get(backend);
  if (!byLimit) {
    byLimit = new Map();
    stores.set(backend, byLimit);
  }
  let store = byLimit.get(limit);
  if (!store) {
    store = createConnectionsStore(backend, limit);
    byLimit.set(limit, store);
  }
  return store;
}

/**
 * Tells every list of this backend that its connections changed (a flow connected or revoked an
 * account): lists in use fetch again, the others on their next use.
 */
export function announceConnectionsChanged(backend: object): void {
  for (const store of stores.get(backend)?.values() ?? []) store.refetch();
}

function createConnectionsStore(backend: ConnectionsBackend, limit: number): ConnectionsStore {
  let state = INITIAL_CONNECTIONS_STATE;
  const listeners = new Set<() => void>();
  let cursor: string | null = null;
  let pagesLoaded = 0;
  let inFlight: AbortController | null = null;
  // Set when a change was announced with nobody listening: the next subscriber fetches.
  let stale = true;
  // When the last fetch finished (performance.now(), monotonic), and what stops the page listeners.
  let lastFetchEnd = Number.NEGATIVE_INFINITY;
  let stopWatching: (() => void) | null = null;

  function update(next: Partial<ConnectionsState>) {
    state = { ...state, ...next };
    for (const listener of listeners) listener();
  }

  // Fetches `pages` pages from the start (a refetch keeps as many as were shown) or, with `from`,
  // the page after it. A newer fetch aborts an older one.
  async function fetchPages(pages: number, from: string | null) {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    stale = false;
    update({ isFetching: true });
    try {
      const loaded: ConnectedAccount[] = from === null ? [] : [...state.connections];
      let next = from;
      let count = 0;
      do {
        const page = await backend.listConnections(
          { limit, ...(next !== null && { cursor: next }) },
          { signal: controller.signal },
        );
        loaded.push(...page.connections);
        next = page.nextCursor;
        count += 1;
      } while (next !== null && count < pages);
      if (controller.signal.aborted) return;
      cursor = next;
      pagesLoaded = from === null ? count : pagesLoaded + count;
      update({
        status: 'success',
        connections: shareEqual(state.connections, dedupe(loaded)),
        error: null,
        isFetching: false,
        hasMore: next !== null,
      });
    } catch (error) {
      if (controller.signal.aborted) return;
      update({ status: 'error', error: toErrorInfo(error), isFetching: false });
    } finally {
      if (inFlight === controller) {
        inFlight = null;
        lastFetchEnd = performance.now();
      }
    }
  }

  // The user came back (the tab shows again, the window has focus): the list may be old (a stack
  // deleted in the AWS console). A focus and a visibilitychange fired together make one fetch:
  // the second finds it in flight, or within the gap.
  function onPageReturn() {
    if (
      document.visibilityState === 'visible' &&
      !inFlight &&
      performance.now() - lastFetchEnd >= REFETCH_ON_RETURN_MIN_GAP_MS
    ) {
      void fetchPages(Math.max(1, pagesLoaded), null);
    }
  }

  // Listens only while the list has subscribers; no document (server rendering, no DOM): never.
  function watchPage(): () => void {
    document.addEventListener('visibilitychange', onPageReturn);
    window.addEventListener('focus', onPageReturn);
    return () => {
      document.removeEventListener('visibilitychange', onPageReturn);
      window.removeEventListener('focus', onPageReturn);
    };
  }

  const store: ConnectionsStore = {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      if (!stopWatching && typeof document !== 'undefined') stopWatching = watchPage();
      if (stale && !inFlight) void fetchPages(Math.max(1, pagesLoaded), null);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          stopWatching?.();
          stopWatching = null;
          inFlight?.abort();
          inFlight = null;
          // What was fetched may be old by the next use: fetch again then.
          stale = true;
          if (state.isFetching) state = { ...state, isFetching: false };
        }
      };
    },
    refetch() {
      if (listeners.size === 0) stale = true;
      else void fetchPages(Math.max(1, pagesLoaded), null);
    },
    loadMore() {
      if (cursor !== null && !inFlight) void fetchPages(1, cursor);
    },
  };
  return store;
}

// The last page may repeat a connection the server moved to the front meanwhile: keep the first.
function dedupe(connections: ConnectedAccount[]): ConnectedAccount[] {
  const seen = new Set<string>();
  return connections.filter((c) => !seen.has(c.accountId) && seen.add(c.accountId));
}

/**
 * The new list with every connection equal to one already shown replaced by that same object (and
 * the same array when nothing changed), so rows of unchanged accounts do not re-render.
 */
function shareEqual(
  previous: readonly ConnectedAccount[],
  next: ConnectedAccount[],
): readonly ConnectedAccount[] {
  const byAccount = new Map(previous.map((c) => [c.accountId, c]));
  const shared = next.map((c) => {
    const old = byAccount.get(c.accountId);
    return old && sameConnection(old, c) ? old : c;
  });
  return shared.length === previous.length && shared.every((c, i) => c === previous[i])
    ? previous
    : shared;
}

function sameConnection(a: ConnectedAccount, b: ConnectedAccount): boolean {
  return (
    a.accountId === b.accountId &&
    a.roleArn === b.roleArn &&
    a.verifiedAt === b.verifiedAt &&
    a.sessionId === b.sessionId &&
    a.templateVersion === b.templateVersion &&
    a.updateDue === b.updateDue &&
    a.lastHealthCheck?.checkedAt === b.lastHealthCheck?.checkedAt &&
    a.lastHealthCheck?.status === b.lastHealthCheck?.status
  );
}

function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof CloudConnectError) return error.toJSON();
  // Not the backend's own error (a host backend that threw something else): say what it was.
  return errorInfo('NETWORK', undefined, undefined, { cause: String(error) });
}
