import { errorInfo, formatAccountId } from '@porter/cloud-connect';
import type { OptionValues } from '../arguments';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { describePending } from '../progress';
import { undecidedError } from './check-account';
import { type CheckedAccount, withCheckedAccount } from './checked-account';
import { failureResult } from './results';

/** `porter-connect status`: one check of whether Porter can assume the account's role. */
export async function statusCommand(values: OptionValues, io: CliIo): Promise<ExitCode> {
  return withCheckedAccount(values, io, 'status', reportCheck);
}

/** What one check says: connected, not connected yet (with the link that fixes it), or an error. */
async function reportCheck({
  accountId,
  session,
  check,
  progress,
}: CheckedAccount): Promise<ExitCode> {
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
}
