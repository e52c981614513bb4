import {
  type CloudConnectActor,
  type CloudConnectEmitted,
  CloudConnectError,
  type CloudConnectInput,
  type CloudConnectState,
  type CloudConnectTiming,
  type ConnectBackend,
  type Connection,
  createCloudConnect,
  type ErrorInfo,
} from '@porter/cloud-connect';
import { useEffect, useInsertionEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { CloudConnectMessages } from './messages';
import { watchPageVisibility } from './page-visibility';
import {
  readPersistedSnapshot,
  removePersistedSnapshot,
  writePersistedSnapshot,
} from './snapshot-storage';

/** Options of `useCloudConnect`, `useCloudConnectActor` and `CloudConnect.Provider`. */
export interface UseCloudConnectOptions {
  /** Where sessions and checks go (`createHttpBackend(...)`). Read once, when the flow starts. */
  backend: ConnectBackend;
  /** Pre-fills the account ID field. */
  accountId?: string;
  /** Opens an existing connection: shows it, re-checks it, revokes it. */
  connection?: Connection;
  /** The AWS region the host expects (the session's region wins). */
  region?: string;
  /** Overrides of the machine's timing, in milliseconds. */
  timing?: Partial<CloudConnectTiming>;
  /** Overrides of the message catalog (core's and the parts'), to translate or reword. */
  messages?: CloudConnectMessages;
  /**
   * A `sessionStorage` key: the flow's persisted snapshot is saved there on every change and
   * restored after a reload. A snapshot that cannot be restored (`INVALID_SNAPSHOT`) is
   * discarded, reported to `onError`, and the flow starts fresh.
   */
  persist?: string;
  /** The role was verified. */
  onConnected?: (connection: Connection) => void;
  /** Porter's access to the account is gone (the stack was deleted). */
  onRevoked?: (accountId: string) => void;
  /** An error appeared in the flow (each new one, once). */
  onError?: (error: ErrorInfo) => void;
  /** Every event the flow emits, typed (for analytics). */
  onEvent?: (event: CloudConnectEmitted) => void;
  /** The user left the flow (`CANCEL`), from the given state. */
  onExit?: (state: CloudConnectState) => void;
}

type Callbacks = Pick<
  UseCloudConnectOptions,
  'onConnected' | 'onRevoked' | 'onError' | 'onEvent' | 'onExit'
>;

/** One actor and how it came to be. */
interface Flow {
  actor: CloudConnectActor;
  /** A saved snapshot that was refused, to report once the flow runs. */
  discarded: ErrorInfo | null;
  /** Created while hydrating server HTML: the saved snapshot is read after hydration. */
  restoreLater: boolean;
}

// Actors stopped by an effect cleanup, with their snapshot from just before (a stopped actor's own
// snapshot says "stopped"). React may run the effect again on the same component (Fast Refresh,
// an <Activity> shown again); a stopped actor cannot start again, so the flow continues in a new
// actor from that snapshot.
const stoppedActors = new WeakMap<CloudConnectActor, unknown>();

function createFlow(
  options: UseCloudConnectOptions,
  from: { snapshot?: unknown; restoreLater?: boolean } = {},
): Flow {
  const { backend, persist, accountId, connection, region, timing } = options;
  // The machine reads a missing key and an undefined one alike.
  const input = { accountId, connection, region, timing } as CloudConnectInput;
  const snapshot =
    from.snapshot ?? (persist && !from.restoreLater ? readPersistedSnapshot(persist) : undefined);
  if (snapshot !== undefined) {
    try {
      return {
        actor: createCloudConnect({ backend, input, snapshot }),
        discarded: null,
        restoreLater: false,
      };
    } catch (error) {
      if (!(error instanceof CloudConnectError) || error.code !== 'INVALID_SNAPSHOT') throw error;
      if (persist) removePersistedSnapshot(persist);
      return {
        actor: createCloudConnect({ backend, input }),
        discarded: error.toJSON(),
        restoreLater: false,
      };
    }
  }
  return {
    actor: createCloudConnect({ backend, input }),
    discarded: null,
    restoreLater: Boolean(persist && from.restoreLater),
  };
}

const subscribeToNothing = () => () => {};

// True while rendering on the server or hydrating its HTML, when the first render must match
// the server's (so nothing is read from sessionStorage yet); false in a plain client render.
function useIsHydrating(): boolean {
  return useSyncExternalStore(
    subscribeToNothing,
    () => false,
    () => true,
  );
}

// The latest options, read when an event arrives: a host may pass new callbacks on every render
// without restarting the flow. Insertion effects run before every other effect of the commit.
function useLatest<T>(value: T) {
  const ref = useRef(value);
  useInsertionEffect(() => {
    ref.current = value;
  });
  return ref;
}

/**
 * Creates the Cloud Connect actor for this component and runs it while the component is
 * mounted: browser wiring (page visibility), persistence and callbacks included. Unmounting stops
 * it, which aborts requests in flight and clears its timers. Options other than callbacks are
 * read when the flow starts.
 *
 * Most hosts use `useCloudConnect` or `CloudConnect.Provider`; this hook is for a host that
 * wants the actor itself (to send events, or to pass it to `CloudConnect.Provider`).
 *
 * @example
 * const actor = useCloudConnectActor({ backend });
 * return <CloudConnect.Provider actor={actor}>...</CloudConnect.Provider>;
 */
export function useCloudConnectActor(options: UseCloudConnectOptions): CloudConnectActor {
  const hydrating = useIsHydrating();
  const [flow, setFlow] = useState(() => createFlow(options, { restoreLater: hydrating }));
  const latest = useLatest(options);

  useEffect(() => {
    const { actor } = flow;
    if (flow.restoreLater || stoppedActors.has(actor)) {
      const snapshot = stoppedActors.get(actor);
      setFlow(createFlow(latest.current, { snapshot }));
      return;
    }
    if (flow.discarded) {
      latest.current.onError?.(flow.discarded);
      flow.discarded = null;
    }
    const { persist } = latest.current;
    let lastError = actor.getSnapshot().context.error;
    const subscriptions = [
      actor.on('*', (event) => dispatch(latest.current, event)),
      actor.subscribe((snapshot) => {
        if (persist) writePersistedSnapshot(persist, actor);
        const { error } = snapshot.context;
        if (error && error !== lastError) latest.current.onError?.(error);
        lastError = error;
      }),
    ];
    const stopWatching = watchPageVisibility(actor);

    // Started a microtask later: StrictMode's simulated unmount runs synchronously after this
    // effect, so its cleanup cancels the start and the remount starts this same actor once.
    // A flow restored mid-request then sends that request once, not twice.
    let state: 'pending' | 'started' | 'cancelled' = 'pending';
    queueMicrotask(() => {
      if (state !== 'pending') return;
      state = 'started';
      actor.start();
    });
    return () => {
      stopWatching();
      for (const subscription of subscriptions) subscription.unsubscribe();
      if (state === 'started') {
        stoppedActors.set(actor, actor.getPersistedSnapshot());
        actor.stop();
      }
      state = 'cancelled';
    };
  }, [flow, latest]);

  return flow.actor;
}

function dispatch(callbacks: Callbacks, event: CloudConnectEmitted): void {
  callbacks.onEvent?.(event);
  if (event.type === 'connected') callbacks.onConnected?.(event.connection);
  else if (event.type === 'revoked') callbacks.onRevoked?.(event.accountId);
  else if (event.type === 'exit') callbacks.onExit?.(event.state);
}
