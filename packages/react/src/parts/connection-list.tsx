import type { CloudConnectTiming, ConnectBackend, ConnectedAccount } from '@porter/cloud-connect';
import { useSelector } from '@xstate/react';
import {
  createContext,
  forwardRef,
  type ReactNode,
  type Ref,
  useContext,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { Provider } from '../cloud-connect-context';
import { announceConnectionsChanged } from '../connections-store';
import { type CloudConnectMessages, partMessage } from '../messages';
import { useCloudConnectActor } from '../use-cloud-connect-actor';
import { type PartProps, renderPart } from './part';

/** What an item's flow does when it opens: re-check the role, or revoke access. */
export type ConnectionFlowMode = 'recheck' | 'revoke';

interface ListContextValue {
  backend: ConnectBackend;
  messages: CloudConnectMessages | undefined;
  timing: Partial<CloudConnectTiming> | undefined;
}

/** What `useConnectionListItem` returns: the item's connection and its flow. */
export interface ConnectionListItemContextValue {
  connection: ConnectedAccount;
  /** The open flow's mode, or null while none is open. */
  mode: ConnectionFlowMode | null;
  /**
   * Opens the flow for this account: a new one when another mode was open, and a new check when
   * `recheck` was (an open revoke flow goes on).
   */
  open: (mode: ConnectionFlowMode) => void;
  /** Closes the flow (stopping its requests). */
  close: () => void;
  /** The id of the item's `ConnectionListItemFlow` element. */
  flowId: string;
}

// `run` counts the flows the item opened: each one is a flow of its own (its own actor).
interface ItemContextValue extends ConnectionListItemContextValue {
  run: number;
}

const ListContext = createContext<ListContextValue | null>(null);
const ItemContext = createContext<ItemContextValue | null>(null);

function useListContext(part: string): ListContextValue {
  const value = useContext(ListContext);
  if (!value) throw new Error(`${part} must be inside a ConnectionList.`);
  return value;
}

/**
 * The item around a part: its connection and flow.
 * @throws Error outside a `ConnectionListItem`.
 */
export function useConnectionListItem(): ConnectionListItemContextValue {
  return useItemContext();
}

function useItemContext(): ItemContextValue {
  const value = useContext(ItemContext);
  if (!value) throw new Error('This part must be inside a ConnectionListItem.');
  return value;
}

const attributes = (part: string) => ({ 'data-scope': 'cloud-connect', 'data-part': part });

/** Props of `ConnectionList`. */
export type ConnectionListProps = PartProps<'ul'> & {
  /** Where the items' flows run: the backend given to `useCloudConnections`. Read when a flow opens. */
  backend: ConnectBackend;
  /** Overrides of the message catalog, for the items and their flows. */
  messages?: CloudConnectMessages;
  /** Overrides of the machine's timing for the items' flows. */
  timing?: Partial<CloudConnectTiming>;
};

/**
 * A list of a tenant's connections (`ul`), one `ConnectionListItem` per account. Keep
 * `messages` and `timing` stable (module constants, `useMemo`): a new object re-renders every item.
 *
 * @example
 * const { connections } = useCloudConnections({ backend });
 * <ConnectionList backend={backend}>
 *   {connections.map((connection) => <Row key={connection.accountId} connection={connection} />)}
 * </ConnectionList>
 */
export const ConnectionList = forwardRef<HTMLUListElement, ConnectionListProps>(
  function ConnectionList({ backend, messages, timing, ...props }, ref) {
    const value = useMemo(() => ({ backend, messages, timing }), [backend, messages, timing]);
    return (
      <ListContext.Provider value={value}>
        {renderPart('ul', attributes('connection-list'), props, ref)}
      </ListContext.Provider>
    );
  },
);

/** Props of `ConnectionListItem`. */
export type ConnectionListItemProps = PartProps<'li'> & {
  /** The connection this item shows (an item of `useCloudConnections().connections`). */
  connection: ConnectedAccount;
  /** A flow open from the start. @default null */
  defaultMode?: ConnectionFlowMode | null;
};

/**
 * One connection (`li`). `data-state` is the open flow's mode (`recheck`, `revoke`) or `closed`;
 * `data-update-due` marks a stack on an older template, `data-health` the last health check's
 * verdict. Its `ConnectionListItemAction`s open the flow, `ConnectionListItemFlow` shows it.
 */
export const ConnectionListItem = forwardRef<HTMLLIElement, ConnectionListItemProps>(
  function ConnectionListItem({ connection, defaultMode = null, ...props }, ref) {
    const [{ mode, run }, setFlow] = useState({ mode: defaultMode, run: 0 });
    const flowId = `cloud-connect-flow${useId().replace(/[^\w-]/g, '')}`;
    const value = useMemo(() => {
      // "Check again" pressed while a check's result shows checks again; a revoke goes on.
      const open = (next: ConnectionFlowMode) =>
        setFlow((flow) =>
          flow.mode === next && next === 'revoke' ? flow : { mode: next, run: flow.run + 1 },
        );
      const close = () => setFlow((flow) => (flow.mode ? { mode: null, run: flow.run } : flow));
      return { connection, mode, run, open, close, flowId };
    }, [connection, mode, run, flowId]);
    return (
      <ItemContext.Provider value={value}>
        {renderPart(
          'li',
          {
            ...attributes('connection-list-item'),
            'data-state': mode ?? 'closed',
            'data-update-due': connection.updateDue ? '' : undefined,
            'data-health': connection.lastHealthCheck?.status,
          },
          props,
          ref,
        )}
      </ItemContext.Provider>
    );
  },
);

/** Props of `ConnectionListItemAction`. */
export type ConnectionListItemActionProps = PartProps<'button'> & {
  /** `recheck` or `revoke` opens the item's flow in that mode; `close` closes it. */
  action: ConnectionFlowMode | 'close';
};

const ACTION_LABELS = {
  recheck: 'part.recheck',
  revoke: 'part.revoke',
  close: 'part.closeFlow',
} as const;

/**
 * A button that opens the item's flow to re-check or revoke that account, or closes it
 * (`close` is hidden while no flow is open). Default labels: "Check again", "Remove access", "Close".
 */
export const ConnectionListItemAction = forwardRef<
  HTMLButtonElement,
  ConnectionListItemActionProps
>(function ConnectionListItemAction({ action, ...props }, ref) {
  const { messages } = useListContext('ConnectionListItemAction');
  const { mode, open, close, flowId } = useConnectionListItem();
  const opens = action !== 'close';
  return renderPart(
    'button',
    {
      ...attributes('connection-list-item-action'),
      type: 'button',
      'data-action': action,
      'data-state': mode ?? 'closed',
      ...(opens
        ? {
            'aria-expanded': mode === action,
            'aria-controls': mode === action ? flowId : undefined,
          }
        : { hidden: mode === null }),
      onClick: () => (opens ? open(action) : close()),
    },
    props,
    ref,
    partMessage(ACTION_LABELS[action], messages),
  );
});

/** Props of `ConnectionListItemFlow`. */
export type ConnectionListItemFlowProps = PartProps<'div'>;

/**
 * The item's open flow (`div`), rendered only while one is open: a Cloud Connect flow started on
 * this connection, re-checking it or revoking it. Put the flow's parts inside
 * (`CloudConnect.VerificationStatus`, `BlockerList`, `DeleteStackLink`, `RevocationStatus`,
 * `ErrorMessage`, ...). A revocation or a finished re-check refetches the page's lists of the
 * backend, so a revoked account leaves them.
 */
export const ConnectionListItemFlow = forwardRef<HTMLDivElement, ConnectionListItemFlowProps>(
  function ConnectionListItemFlow(props, ref) {
    const { mode, run } = useItemContext();
    // A new flow per opening: re-checking after a revoke was cancelled starts clean.
    return mode && <OpenFlow key={run} mode={mode} props={props} forwardedRef={ref} />;
  },
);

function OpenFlow({
  mode,
  props,
  forwardedRef,
}: {
  mode: ConnectionFlowMode;
  props: ConnectionListItemFlowProps;
  forwardedRef: Ref<HTMLDivElement>;
}): ReactNode {
  const { backend, messages, timing } = useListContext('ConnectionListItemFlow');
  const { connection, flowId } = useConnectionListItem();
  const actor = useCloudConnectActor({ backend, connection, messages, timing });

  // Sent once, before the actor starts (XState queues it): the flow opens straight in its mode.
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    actor.send({ type: mode === 'revoke' ? 'REVOKE.START' : 'VERIFY.NOW' });
  }, [actor, mode]);

  // A finished re-check changed the connection's health on the server: lists fetch it again.
  const checking = useSelector(actor, (snapshot) => snapshot.hasTag('checking'));
  const wasChecking = useRef(false);
  useEffect(() => {
    if (wasChecking.current && !checking && mode === 'recheck') announceConnectionsChanged(backend);
    wasChecking.current = checking;
  }, [checking, mode, backend]);

  return (
    <Provider actor={actor} messages={messages}>
      {renderPart(
        'div',
        { ...attributes('connection-list-item-flow'), id: flowId, 'data-state': mode },
        props,
        forwardedRef,
      )}
    </Provider>
  );
}
