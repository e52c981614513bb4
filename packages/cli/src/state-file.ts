import { readFile, rm, writeFile } from 'node:fs/promises';
import { CloudConnectError } from '@porter/cloud-connect';
import { UsageError } from './arguments';

/** What Ctrl-C saves: the machine's persisted snapshot and the account it belongs to. */
interface StateFile {
  porterConnectState: 1;
  accountId: string;
  snapshot: unknown;
}

/** The default state file of an account, relative to the working directory. */
export function defaultStatePath(accountId: string): string {
  return `porter-connect-${accountId}.state.json`;
}

/** Saves a persisted snapshot; readable by its owner only (it holds the account's ExternalId). */
export async function writeStateFile(
  path: string,
  accountId: string,
  snapshot: unknown,
): Promise<void> {
  const state: StateFile = { porterConnectState: 1, accountId, snapshot };
  await writeFile(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/**
 * The snapshot saved for `accountId`. A missing file or another account's is a usage error; a
 * file that is not a state file is `INVALID_SNAPSHOT` (the snapshot itself is checked on restore).
 */
export async function readStateFile(path: string, accountId: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UsageError(`--resume: there is no state file at ${path}.`);
    }
    throw error;
  }
  let state: Partial<StateFile> | null;
  try {
    state = JSON.parse(text) as Partial<StateFile> | null;
  } catch {
    throw new CloudConnectError('INVALID_SNAPSHOT', `${path} is not JSON.`);
  }
  if (state?.porterConnectState !== 1 || typeof state.accountId !== 'string') {
    throw new CloudConnectError('INVALID_SNAPSHOT', `${path} is not a porter-connect state file.`);
  }
  if (state.accountId !== accountId) {
    throw new UsageError(
      `--resume: ${path} holds account ${state.accountId}, not ${accountId}; pass --account ${state.accountId} or another --state.`,
    );
  }
  return state.snapshot;
}

/** Removes the state file once the flow it holds is over (nothing to resume any more). */
export async function removeStateFile(path: string): Promise<void> {
  await rm(path, { force: true });
}
