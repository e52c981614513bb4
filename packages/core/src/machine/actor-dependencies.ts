import type { ActorSystem } from 'xstate';
import type { ConnectBackend } from '../backend';
import type { CloudConnectClock } from './cloud-connect.types';
import { systemClock } from './timing';

/**
 * What one actor needs beyond its context: the backend, where time comes from, and the jitter
 * source. It travels as the actor's XState `clock` option, which XState hands to the actor
 * system before the first state is computed and shares with every invoked child, so one machine
 * definition serves every actor and nothing that is not data enters the persisted context.
 */
export class ActorDependencies {
  constructor(
    readonly backend: ConnectBackend | null,
    readonly clock: CloudConnectClock,
    readonly random: () => number,
  ) {}

  // XState's own delayed transitions follow the same clock as the machine's deadlines.
  setTimeout(callback: (...args: unknown[]) => void, ms: number): unknown {
    return this.clock.setTimeout(callback, ms);
  }

  clearTimeout(handle: unknown): void {
    this.clock.clearTimeout(handle);
  }
}

// An actor created without createCloudConnect (a bare createActor, a graph walk): the system
// clock, Math.random and no backend (the stub actors, or the ones provided, answer instead).
const DEFAULT_DEPENDENCIES = /* @__PURE__ */ new ActorDependencies(null, systemClock, Math.random);

/** The actor system of an action or invoked actor (XState's `system` argument). */
export type ActorSystemOf = Pick<ActorSystem<never>, '_clock'>;

/** The dependencies of the actor system an action or invoked actor runs in. */
export function dependenciesOf(system: ActorSystemOf): ActorDependencies {
  const clock = system._clock;
  return clock instanceof ActorDependencies ? clock : DEFAULT_DEPENDENCIES;
}
