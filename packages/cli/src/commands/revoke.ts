import {
  type Blocker,
  type CloudConnectSnapshot,
  createCloudConnect,
  type ErrorInfo,
  errorInfo,
  formatAccountId,
} from '@porter/cloud-connect';
import type { OptionValues } from '../arguments';
import { driveActor } from '../drive-actor';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { openInBrowser } from '../open-browser';
import { undecidedError } from './check-account';
import { withCheckedAccount } from './checked-account';
import { failureResult, interruptedResult } from './results';

type Verdict = { revoked: true } | { failed: ErrorInfo; blockers: Blocker[] };

/**
 * `porter-connect revoke`: the machine's revocation from a verified connection: blockers,
 * the stack's deletion (by the user, in the console), then confirmation that access is gone.
 */
export async function revokeCommand(values: OptionValues, io: CliIo): Promise<ExitCode> {
  return withCheckedAccount(values, io, 'revoke', async (checked) => {
    const { accountId, session, check, target, timing, progress } = checked;
    const account = formatAccountId(accountId);
    if (check.status === 'pending' && check.reason === 'not-assumable') {
      progress.result(
        { outcome: 'revoked', exitCode: EXIT_CODES.OK, accountId },
        `Porter cannot assume a role in account ${account}: there is no access to revoke.`,
      );
      return EXIT_CODES.OK;
    }
    if (check.status !== 'connected') {
      // The role's state is unknown (AWS unreachable) or needs a fix first: say which.
      const error =
        check.status === 'failed'
          ? errorInfo(check.code, check.message || undefined)
          : undecidedError(check);
      return failureResult(progress, error ?? errorInfo('NETWORK'), session.stacksConsoleUrl);
    }

    const actor = createCloudConnect({
      backend: target.backend,
      input: {
        connection: {
          accountId,
          roleArn: check.roleArn,
          verifiedAt: check.verifiedAt,
          sessionId: session.sessionId,
        },
        timing: timing.machine,
      },
    });
    progress.say(`Revoking Porter's access to AWS account ${account} (${check.roleArn}).`);
    let deletionShown = false;
    const deleteStack = async (url: string, stackName: string) => {
      deletionShown = true;
      progress.say(`Delete the ${stackName} stack here to remove access:\n  ${url}`);
      if (values['no-open'] !== true && (await openInBrowser(io, url))) {
        progress.say('(Opened in your browser.)');
      }
      actor.send({ type: 'REVOKE.STACK_DELETE_LAUNCHED' });
    };
    const outcome = await driveActor<Verdict>(actor, {
      progress,
      signal: io.signal,
      decide: (snapshot) => {
        const shown = snapshot.context.session;
        if (snapshot.matches({ revoking: 'deletingStack' }) && shown && !deletionShown) {
          void deleteStack(shown.stacksConsoleUrl, shown.stackName);
        }
        return verdictOf(snapshot);
      },
      onStart: () => actor.send({ type: 'REVOKE.START' }),
    });
    if (outcome.kind === 'interrupted') return interruptedResult(progress);
    const { verdict } = outcome;
    if ('revoked' in verdict) {
      progress.result(
        { outcome: 'revoked', exitCode: EXIT_CODES.OK, accountId },
        `Revoked: Porter can no longer assume the role in account ${account}.`,
      );
      return EXIT_CODES.OK;
    }
    for (const blocker of verdict.blockers) {
      progress.say(
        `  - ${blocker.kind} ${blocker.name}${blocker.href ? ` (${blocker.href})` : ''}`,
      );
    }
    return failureResult(progress, verdict.failed, session.stacksConsoleUrl, {
      blockers: verdict.blockers,
    });
  });
}

function verdictOf(snapshot: CloudConnectSnapshot): Verdict | undefined {
  const { error, blockers } = snapshot.context;
  if (snapshot.matches('revoked')) return { revoked: true };
  if (snapshot.matches({ revoking: 'blocked' })) {
    return { failed: error ?? errorInfo('REVOKE_BLOCKED'), blockers };
  }
  if ((snapshot.matches('failed') || snapshot.matches({ revoking: 'blockersUnknown' })) && error) {
    return { failed: error, blockers: [] };
  }
  return undefined;
}
