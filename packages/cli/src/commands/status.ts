import { errorInfo, formatAccountId } from '@porter/cloud-connect';
import { accountOption, backendOption, type OptionValues, timingOption } from '../arguments';
import { openBackend } from '../backend-target';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { createProgress, describePending } from '../progress';
import { checkAccount, thrownErrorInfo, undecidedError } from './check-account';
import { failureResult, interruptedResult } from './results';

/** `porter-connect status`: one check of whether Porter can assume the account's role. */
export async function statusCommand(values: OptionValues, io: CliIo): Promise<ExitCode> {
  const choice = backendOption(values);
  const timing = timingOption(values);
  const progress = createProgress(io, { json: values.json === true, command: 'status' });
  const target = await openBackend(choice, timing);
  try {
    const accountId =
      choice.kind === 'sandbox' && values.account === undefined
        ? (target.sandbox?.customer.accountId ?? '')
        : accountOption(values);
    let result: Awaited<ReturnType<typeof checkAccount>>;
    try {
      result = await checkAccount(target.backend, accountId, io.signal);
    } catch (error) {
      if (io.signal?.aborted) return interruptedResult(progress);
      const info = thrownErrorInfo(error);
      if (!info) throw error;
      return failureResult(progress, info);
    }
    const { session, check } = result;
    const account = formatAccountId(accountId);
    if (check.status === 'connected') {
      progress.result(
        { outcome: 'connected', exitCode: EXIT_CODES.OK, accountId, check },
        `Connected: Porter can assume ${check.roleArn} in account ${account} (verified ${check.verifiedAt}).`,
      );
      return EXIT_CODES.OK;
    }
    const undecided = undecidedError(check);
    if (undecided) return failureResult(progress, undecided);
    if (check.status === 'pending') {
      progress.result(
        { outcome: 'not-connected', exitCode: EXIT_CODES.NOT_CONNECTED, accountId, check },
        `Not connected: ${describePending(check)}. Create the stack with:\n  ${session.quickCreateUrl}`,
      );
      return EXIT_CODES.NOT_CONNECTED;
    }
    return failureResult(
      progress,
      errorInfo(check.code, check.message || undefined),
      session.stacksConsoleUrl,
    );
  } finally {
    await target.close();
  }
}
