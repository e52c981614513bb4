import { type Actor, createActor, type InspectionEvent, type Snapshot } from 'xstate';
import type { ConnectBackend } from '../backend';
import { type CloudConnectMachine, createCloudConnectMachine } from './cloud-connect.machine';
import type { CloudConnectInput, CloudConnectMachineOptions } from './cloud-connect.types';
import { assertSnapshot } from './snapshot';
import { resolveTiming } from './timing';

/** A running (or not yet started) Cloud Connect actor. */
export type CloudConnectActor = Actor<CloudConnectMachine>;

/** Options of `createCloudConnect`. */
export interface CreateCloudConnectOptions extends CloudConnectMachineOptions {
  backend: ConnectBackend;
  input?: CloudConnectInput;
  /** A snapshot from `actor.getPersistedSnapshot()`, JSON round-tripped or not. */
  snapshot?: unknown;
  inspect?: (event: InspectionEvent) => void;
}

/**
 * Creates the actor most callers use (not started: call `.start()`). A `snapshot` is
 * validated first and restores the flow where it was, including mid-verification.
 *
 * @throws CloudConnectError `INVALID_SNAPSHOT` when the snapshot is not one of this machine
 *   or its `context.snapshotVersion` is not the current one.
 * @throws RangeError naming the key when an `input.timing` value is not a number of
 *   milliseconds from 0 to 2^31-1 (longer timers fire at once).
 * @example
 * const actor = createCloudConnect({ backend, snapshot: JSON.parse(saved) });
 * actor.on('connected', ({ connection }) => save(connection));
 * actor.start();
 */
export function createCloudConnect(options: CreateCloudConnectOptions): CloudConnectActor {
  const { backend, input, snapshot, inspect } = options;
  const machine = createCloudConnectMachine(backend, options);
  // Here, not only in the machine's context factory: there the error would end the actor instead.
  resolveTiming(input?.timing);
  if (snapshot !== undefined) assertSnapshot(machine, snapshot);
  return createActor(machine, {
    input,
    ...(snapshot !== undefined && { snapshot: snapshot as Snapshot<unknown> }),
    ...(inspect && { inspect }),
  });
}
