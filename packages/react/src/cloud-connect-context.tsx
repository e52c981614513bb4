import {
  type CloudConnectActor,
  type CloudConnectIds,
  getCloudConnectIds,
} from '@porter/cloud-connect';
import { createContext, type ReactNode, useContext, useId, useMemo } from 'react';
import type { CloudConnectMessages } from './messages';
import { type UseCloudConnectOptions, useCloudConnectActor } from './use-cloud-connect-actor';

/** What the parts share: the actor, the host's messages and the element ids. */
export interface CloudConnectContextValue {
  actor: CloudConnectActor;
  messages: CloudConnectMessages | undefined;
  /** The id prefix handed to core's `connect()`. */
  id: string;
  ids: CloudConnectIds;
}

const CloudConnectContext = createContext<CloudConnectContextValue | null>(null);

/** Props of `CloudConnect.Provider` when it runs the flow itself. */
export type CloudConnectProviderOptionsProps = UseCloudConnectOptions & {
  actor?: undefined;
  children?: ReactNode;
};

/** Props of `CloudConnect.Provider` around an actor the host runs (`useCloudConnectActor`). */
export interface CloudConnectProviderActorProps {
  actor: CloudConnectActor;
  messages?: CloudConnectMessages;
  children?: ReactNode;
}

/** Props of `CloudConnect.Provider`: flow options, or an actor from `useCloudConnectActor`. */
export type CloudConnectProviderProps =
  | CloudConnectProviderOptionsProps
  | CloudConnectProviderActorProps;

/**
 * Runs one Cloud Connect flow for the parts and selector hooks inside it. Renders no element.
 *
 * @example
 * <CloudConnect.Provider backend={backend} onConnected={save}>
 *   <CloudConnect.Root>...</CloudConnect.Root>
 * </CloudConnect.Provider>
 */
export function Provider(props: CloudConnectProviderProps): ReactNode {
  return props.actor ? (
    <ActorProvider actor={props.actor} messages={props.messages}>
      {props.children}
    </ActorProvider>
  ) : (
    <OwnActorProvider {...props} />
  );
}

function OwnActorProvider({ children, ...options }: CloudConnectProviderOptionsProps) {
  const actor = useCloudConnectActor(options);
  return (
    <ActorProvider actor={actor} messages={options.messages}>
      {children}
    </ActorProvider>
  );
}

function ActorProvider({ actor, messages, children }: CloudConnectProviderActorProps) {
  // Ids from useId match between server and client, and keep two flows on a page apart.
  const id = `cloud-connect${useId().replace(/[^\w-]/g, '')}`;
  const value = useMemo(
    () => ({ actor, messages, id, ids: getCloudConnectIds(id) }),
    [actor, messages, id],
  );
  return <CloudConnectContext.Provider value={value}>{children}</CloudConnectContext.Provider>;
}

/**
 * The flow of the nearest `CloudConnect.Provider`.
 * @throws Error when there is no provider above.
 */
export function useCloudConnectContext(): CloudConnectContextValue {
  const value = useContext(CloudConnectContext);
  if (!value) {
    throw new Error(
      'Cloud Connect parts and selector hooks need a <CloudConnect.Provider> above them.',
    );
  }
  return value;
}
