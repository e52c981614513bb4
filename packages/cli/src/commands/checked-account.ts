import type { ConnectionCheck, ConnectSession } from '@porter/cloud-connect';
import {
  accountOption,
  backendOption,
  type OptionValues,
  type TimingOverrides,
  timingOption,
} from '../arguments';
import { type BackendTarget, openBackend } from '../backend-target';
import type { ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { createProgress, type Progress } from '../progress';
import { checkAccount, thrownErrorInfo } from './check-account';
import { failureResult, interruptedResult } from './results';

/** An account whose role was checked once, and what a command needs to act on the answer. */
export interface CheckedAccount {
  accountId: string;
  session: ConnectSession;
  check: ConnectionCheck;
  target: BackendTarget;
  timing: TimingOverrides;
  progress: Progress;
}

/**
 * The start that `status` and `revoke` share: opens the backend the options name, takes the
 * account (the sandbox's customer when `--sandbox` names none), creates its session and checks
 * its role once, then lets `act` decide what the check means. A backend error or Ctrl-C during
 * the check ends the command before `act`; the backend is closed in every case.
 */
export async function withCheckedAccount(
  values: OptionValues,
  io: CliIo,
  command: string,
  act: (checked: CheckedAccount) => Promise<ExitCode>,
): Promise<ExitCode> {
  const choice = backendOption(values);
  const timing = timingOption(values);
  const progress = createProgress(io, { json: values.json === true, command });
  const target = await openBackend(choice, timing);
  try {
    const accountId =
      choice.kind === 'sandbox' && values.account === undefined
        ? (target.sandbox?.customer.accountId ?? '')
        : accountOption(values);
    let checked: Awaited<ReturnType<typeof checkAccount>>;
    try {
      checked = await checkAccount(target.backend, accountId, io.signal);
    } catch (error) {
      if (io.signal?.aborted) return interruptedResult(progress);
      const info = thrownErrorInfo(error);
      if (!info) throw error;
      return failureResult(progress, info);
    }
    return await act({ accountId, ...checked, target, timing, progress });
  } finally {
    progress.stop();
    await target.close();
  }
}
