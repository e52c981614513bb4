import { type Actor, createActor, type InspectionEvent, type Snapshot } from 'xstate';
import type { ConnectBackend } from '../backend';
import { ActorDependencies } from './actor-dependencies';
import { type CloudConnectMachine, cloudConnectMachine } from './cloud-connect.machine';
import type { CloudConnectInput, CloudConnectMachineOptions } from './cloud-connect.types';
import { assertSnapshot } from './snapshot';
import { upgradeSnapshot } from './snapshot-upgrade';
import { resolveTiming, systemClock } from './timing';

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
 * validated first and restores the flow where it was, including mid-verification. Every actor
 * runs the one `cloudConnectMachine`; its backend, clock and random source travel with the
 * actor, so a page or server with many connections does not rebuild the machine for each.
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
  const { backend, input, inspect } = options;
  // Here, not only in the machine's context factory: there the error would end the actor instead.
  resolveTiming(input?.timing);
  const snapshot = options.snapshot === undefined ? undefined : upgradeSnapshot(options.snapshot);
  if (snapshot !== undefined) assertSnapshot(cloudConnectMachine, snapshot);
  return createActor(cloudConnectMachine, {
    input,
    clock: new ActorDependencies(
      backend,
      options.clock ?? systemClock,
      options.random ?? Math.random,
    ),
    ...(snapshot !== undefined && { snapshot: snapshot as Snapshot<unknown> }),
    ...(inspect && { inspect }),
  });
}
