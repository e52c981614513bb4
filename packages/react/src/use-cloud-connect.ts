import { type CloudConnectActor, type CloudConnectApi, connect } from '@porter/cloud-connect';
import { useSelector } from '@xstate/react';
import { useId, useMemo } from 'react';
import { type UseCloudConnectOptions, useCloudConnectActor } from './use-cloud-connect-actor';

/** What `useCloudConnect` returns: core's view API for the current state, and the actor. */
export type UseCloudConnectResult = CloudConnectApi & {
  /** The running actor, e.g. for `<CloudConnect.Provider actor={...}>` or `actor.send`. */
  actor: CloudConnectActor;
};

const wholeSnapshot = <T>(snapshot: T) => snapshot;

/**
 * Runs a Cloud Connect flow and returns `connect()`'s view API (values and prop getters) for
 * its current state. The component re-renders on every change of the flow; for a page where
 * typing should re-render only the input, use `CloudConnect.Provider` with the parts or the
 * selector hooks instead.
 *
 * @example
 * const flow = useCloudConnect({ backend, onConnected: (c) => save(c) });
 * return (
 *   <form {...flow.getFormProps()}>
 *     <label {...flow.getLabelProps()}>AWS account ID</label>
 *     <input {...flow.getAccountIdInputProps()} />
 *   </form>
 * );
 */
export function useCloudConnect(options: UseCloudConnectOptions): UseCloudConnectResult {
  const actor = useCloudConnectActor(options);
  const snapshot = useSelector(actor, wholeSnapshot);
  const id = `cloud-connect${useId().replace(/[^\w-]/g, '')}`;
  const { messages } = options;
  return useMemo(
    () => ({ ...connect(snapshot, actor.send, { messages, id }), actor }),
    [snapshot, actor, messages, id],
  );
}
