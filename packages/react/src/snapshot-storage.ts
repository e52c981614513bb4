import type { CloudConnectActor } from '@porter/cloud-connect';

// `sessionStorage` can be missing (server rendering) or throw (storage disabled, a sandboxed
// iframe, a full quota): persistence is then off, and the flow still works.
function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null;
  }
}

/** The persisted snapshot saved under `key`, parsed, or undefined when there is none. */
export function readPersistedSnapshot(key: string): unknown {
  const saved = storage()?.getItem(key);
  if (saved == null) return undefined;
  try {
    return JSON.parse(saved) as unknown;
  } catch {
    // Not JSON: hand it on as is, so createCloudConnect refuses it with INVALID_SNAPSHOT.
    return saved;
  }
}

/** Saves the actor's persisted snapshot under `key` (plain JSON). */
export function writePersistedSnapshot(key: string, actor: CloudConnectActor): void {
  try {
    storage()?.setItem(key, JSON.stringify(actor.getPersistedSnapshot()));
  } catch {
    // A full or disabled storage only loses the resume after a reload.
  }
}

/** Forgets the snapshot saved under `key` (after it was refused). */
export function removePersistedSnapshot(key: string): void {
  try {
    storage()?.removeItem(key);
  } catch {
    // Nothing to forget when storage is off.
  }
}
