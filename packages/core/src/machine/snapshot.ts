import { CloudConnectError } from '../errors';
import { isBlocker, isConnection, isConnectSession } from '../http-backend';
import { isDuration, TIMING_KEYS } from './timing';

/** The persisted-snapshot format. Bump it when a persisted snapshot could no longer restore. */
export const SNAPSHOT_VERSION = 1;

const NUMBER_OR_NULL = [
  'launchedAt',
  'lastCheckAt',
  'nextCheckAt',
  'slowAt',
  'timeoutAt',
  'visibleUntil',
];

/** A machine that can tell whether a state value exists (what `resolveState` does). */
interface ResolvesState {
  resolveState(config: { value: never; context: never }): unknown;
}

/**
 * Throws `INVALID_SNAPSHOT` unless `snapshot` looks like a persisted, active snapshot of this
 * machine at the current `SNAPSHOT_VERSION`: the machine must know its state value, and the
 * context must have the fields the machine reads. The session, blockers and connection pass the
 * same shape checks as the server's answers (links http(s) only): a snapshot comes from storage
 * a page does not control, so a tampered one must not render a `javascript:` link.
 */
export function assertSnapshot(machine: ResolvesState, snapshot: unknown): void {
  if (!isRecord(snapshot)) invalid('not an object');
  if (snapshot.status !== 'active') invalid('status is not "active"');
  const context = snapshot.context;
  if (!isRecord(context)) invalid('no context');
  if (context.snapshotVersion !== SNAPSHOT_VERSION) {
    invalid(`snapshotVersion ${String(context.snapshotVersion)} is not ${SNAPSHOT_VERSION}`);
  }
  const { timing } = context;
  if (typeof context.accountId !== 'string' || !isRecord(timing)) {
    invalid('context lacks accountId or timing');
  }
  // A schedule computed from a missing or non-numeric duration is NaN, and NaN waits fire at once.
  const badTiming = TIMING_KEYS.find((key) => !isDuration(timing[key]));
  if (badTiming) invalid(`context.timing.${badTiming} is not a duration`);
  if (
    typeof context.attempts !== 'number' ||
    typeof context.backoffStep !== 'number' ||
    !Array.isArray(context.blockers)
  ) {
    invalid('context lacks attempts, backoffStep or blockers');
  }
  if (context.session !== null && !isConnectSession(context.session)) {
    invalid('context.session is not a session with http(s) links');
  }
  if (!(context.blockers as unknown[]).every(isBlocker)) {
    invalid('context.blockers has an entry that is not a blocker with an http(s) or relative link');
  }
  if (context.connection !== null && !isConnection(context.connection)) {
    invalid('context.connection is not a connection');
  }
  for (const key of NUMBER_OR_NULL) {
    const value = context[key];
    if (value !== null && typeof value !== 'number') invalid(`context.${key} is malformed`);
  }
  if (snapshot.children !== undefined && !isRecord(snapshot.children)) {
    invalid('children is not an object');
  }
  try {
    machine.resolveState({ value: snapshot.value as never, context: context as never });
  } catch (error) {
    invalid(`unknown state value: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function invalid(why: string): never {
  throw new CloudConnectError('INVALID_SNAPSHOT', undefined, { cause: why });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
