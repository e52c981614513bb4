import type { CloudConnectActor, CloudConnectSnapshot } from '@porter/cloud-connect';
import type { Progress } from './progress';

/** How a driven flow ended: the command's verdict, or Ctrl-C with the snapshot to resume from. */
export type FlowOutcome<T> =
  | { kind: 'done'; verdict: T }
  | { kind: 'interrupted'; persistedSnapshot: unknown };

/**
 * Starts `actor`, reports its events and snapshots, and resolves with the first verdict
 * `decide` returns for a snapshot, or on `signal` (Ctrl-C) with the persisted snapshot taken
 * before the actor stops. The actor is stopped either way.
 */
export function driveActor<T>(
  actor: CloudConnectActor,
  options: {
    progress: Progress;
    decide(snapshot: CloudConnectSnapshot): T | undefined;
    signal?: AbortSignal | undefined;
    /** Runs once the actor has started (sends the first events). */
    onStart?(): void;
  },
): Promise<FlowOutcome<T>> {
  const { progress, decide, signal } = options;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: FlowOutcome<T>) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', interrupt);
      subscription.unsubscribe();
      events.unsubscribe();
      actor.stop();
      progress.stop();
      resolve(outcome);
    };
    const consider = (snapshot: CloudConnectSnapshot) => {
      if (settled) return;
      progress.snapshot(snapshot);
      const verdict = decide(snapshot);
      if (verdict !== undefined) finish({ kind: 'done', verdict });
    };
    // The snapshot must be taken while the actor runs: a stopped actor's does not restore.
    const interrupt = () =>
      finish({ kind: 'interrupted', persistedSnapshot: actor.getPersistedSnapshot() });

    const events = actor.on('*', (event) => {
      if (!settled) progress.event(event);
    });
    const subscription = actor.subscribe({
      next: consider,
      error: (error) => {
        if (settled) return;
        settled = true;
        progress.stop();
        reject(error);
      },
    });
    if (signal?.aborted) return finish({ kind: 'interrupted', persistedSnapshot: undefined });
    signal?.addEventListener('abort', interrupt, { once: true });
    actor.start();
    consider(actor.getSnapshot());
    if (!settled) options.onStart?.();
  });
}
