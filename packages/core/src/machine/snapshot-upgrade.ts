import type { CloudConnectTiming } from './cloud-connect.types';
import { DEFAULT_TIMING } from './timing';

// Timing keys added after the first release of SNAPSHOT_VERSION 1. A snapshot missing any other
// key is damaged, and assertSnapshot refuses it.
const ADDED_TIMING_KEYS: readonly (keyof CloudConnectTiming)[] = [
  'visibleIntervalMs',
  'visibleWindowMs',
];

/**
 * Fills in what a snapshot saved by an earlier release of this `SNAPSHOT_VERSION` lacks: timing
 * keys added since (at their defaults) and `visibleUntil` (null: nobody is known to be
 * watching). Everything else, including damage, is left for `assertSnapshot` to judge. New
 * fields only ever arrive this way, so the version stays and an earlier release still restores
 * a snapshot saved now (it ignores the fields it does not know).
 */
export function upgradeSnapshot(snapshot: unknown): unknown {
  if (!isRecord(snapshot) || !isRecord(snapshot.context)) return snapshot;
  const { context } = snapshot;
  const timing = isRecord(context.timing) ? { ...context.timing } : context.timing;
  if (isRecord(timing)) {
    for (const key of ADDED_TIMING_KEYS) if (!(key in timing)) timing[key] = DEFAULT_TIMING[key];
  }
  const visibleUntil = 'visibleUntil' in context ? context.visibleUntil : null;
  return { ...snapshot, context: { ...context, timing, visibleUntil } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
