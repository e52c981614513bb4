import { resolve } from 'node:path';
import {
  type CloudConnectSnapshot,
  type Connection,
  type ConnectSession,
  connect,
  createCloudConnect,
  type ErrorInfo,
  formatAccountId,
} from '@porter/cloud-connect';
import {
  accountOption,
  backendOption,
  type OptionValues,
  stringOption,
  timingOption,
  UsageError,
} from '../arguments';
import { openBackend } from '../backend-target';
import { driveActor } from '../drive-actor';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { openInBrowser } from '../open-browser';
import { createProgress, type Progress } from '../progress';
import { defaultStatePath, readStateFile, removeStateFile, writeStateFile } from '../state-file';
import { failureResult } from './results';

type Verdict = { connected: Connection } | { failed: ErrorInfo } | { unexpected: string };

/** `porter-connect connect`: session, link, then verification until connected or a failure. */
export async function connectCommand(values: OptionValues, io: CliIo): Promise<ExitCode> {
  const choice = backendOption(values);
  const timing = timingOption(values);
  const auto = values.auto === true;
  if (auto && choice.kind !== 'sandbox') {
    throw new UsageError('--auto plays the sandbox customer: use it with --sandbox.');
  }
  if (choice.kind === 'sandbox' && (values.resume === true || values.state !== undefined)) {
    throw new UsageError(
      `${values.resume === true ? '--resume' : '--state'} needs --server: an embedded sandbox starts empty, so a saved flow cannot continue there.`,
    );
  }
  // With --sandbox the account defaults to the sandbox's customer, the one --auto can play.
  const givenAccount =
    choice.kind === 'server' || values.account !== undefined ? accountOption(values) : undefined;
  const statePath =
    choice.kind === 'server' && givenAccount
      ? resolve(io.cwd, stringOption(values, 'state') ?? defaultStatePath(givenAccount))
      : undefined;
  const saved =
    values.resume === true && statePath && givenAccount
      ? await readStateFile(statePath, givenAccount)
      : undefined;

  const progress = createProgress(io, { json: values.json === true, command: 'connect' });
  const target = await openBackend(choice, timing);
  try {
    const customer = target.sandbox?.customer;
    const accountId = givenAccount ?? customer?.accountId ?? '';
    if (auto && customer && accountId !== customer.accountId) {
      throw new UsageError(
        `--auto plays the sandbox's customer, account ${customer.accountId}: omit --account or pass that one.`,
      );
    }
    const actor = createCloudConnect({
      backend: target.backend,
      input: { accountId, timing: timing.machine },
      ...(saved !== undefined && { snapshot: saved }),
    });
    progress.say(`Connecting AWS account ${formatAccountId(accountId)} (${target.description}).`);

    let customerFailure: string | undefined;
    const launch = async (session: ConnectSession) => {
      progress.say(
        `Open this link to create the ${session.stackName} stack:\n  ${session.quickCreateUrl}`,
      );
      if (auto && customer) {
        try {
          await customer.createStack(session);
          progress.say('The sandbox customer created the stack.');
        } catch (error) {
          customerFailure = `The sandbox customer could not create the stack: ${(error as Error).message}`;
        }
      } else if (values['no-open'] !== true && (await openInBrowser(io, session.quickCreateUrl))) {
        progress.say('(Opened in your browser.)');
      }
      // A terminal cannot see the click: checking starts now and waits for the stack.
      actor.send({ type: 'STACK.LAUNCHED' });
    };
    actor.on('session.created', ({ session }) => void launch(session));

    const outcome = await driveActor<Verdict>(actor, {
      progress,
      signal: io.signal,
      decide: (snapshot) =>
        customerFailure === undefined ? verdictOf(snapshot) : { unexpected: customerFailure },
      onStart() {
        const snapshot = actor.getSnapshot();
        const { session } = snapshot.context;
        if (snapshot.matches({ disconnected: 'editing' })) {
          actor.send({ type: 'ACCOUNT_ID.SUBMIT' });
        } else if (snapshot.matches({ connecting: 'ready' }) && session) {
          // Saved before the link went out: show it again and start checking.
          void launch(session);
        } else if (snapshot.matches({ connecting: 'verifying' }) && session) {
          progress.say(
            `Resumed. The link, if the stack is not created yet:\n  ${session.quickCreateUrl}`,
          );
        }
      },
    });

    if (outcome.kind === 'interrupted') {
      return interrupted(progress, {
        statePath,
        snapshot: outcome.persistedSnapshot,
        accountId,
        server: choice.kind === 'server' ? choice : undefined,
      });
    }
    if (statePath) await removeStateFile(statePath);
    const { verdict } = outcome;
    if ('connected' in verdict) {
      const { connected } = verdict;
      progress.result(
        { outcome: 'connected', exitCode: EXIT_CODES.OK, connection: connected },
        `Connected: Porter can assume ${connected.roleArn} (verified ${connected.verifiedAt}).`,
      );
      return EXIT_CODES.OK;
    }
    if ('unexpected' in verdict) {
      progress.result(
        { outcome: 'failed', exitCode: EXIT_CODES.UNEXPECTED, message: verdict.unexpected },
        verdict.unexpected,
        true,
      );
      return EXIT_CODES.UNEXPECTED;
    }
    return failureResult(
      progress,
      verdict.failed,
      actor.getSnapshot().context.session?.stacksConsoleUrl,
    );
  } finally {
    progress.stop();
    await target.close();
  }
}

// The command's end: connected, or an error that waiting in this process will not fix.
function verdictOf(snapshot: CloudConnectSnapshot): Verdict | undefined {
  const view = connect(snapshot, () => {});
  const { error } = snapshot.context;
  if (view.isConnected && view.connection) return { connected: view.connection };
  if ((view.isFailed || view.isTimedOut || view.step === 'sessionFailed') && error) {
    return { failed: error };
  }
  // The server refused the account ID (the field shows its error again).
  if (view.step === 'editing' && error) return { failed: error };
  return undefined;
}

// Ctrl-C: save the flow where `--resume` finds it, and say how to continue.
async function interrupted(
  progress: Progress,
  state: {
    statePath: string | undefined;
    snapshot: unknown;
    accountId: string;
    server: { url: string; headers: Record<string, string> } | undefined;
  },
): Promise<ExitCode> {
  const exitCode = EXIT_CODES.INTERRUPTED;
  const { statePath, server } = state;
  if (!statePath || !server || state.snapshot === undefined) {
    const why = server
      ? 'Stopped before the flow began: nothing to save.'
      : 'Stopped. The embedded sandbox ends with this process: run the command again to start over.';
    progress.result({ outcome: 'interrupted', exitCode }, why, true);
    return exitCode;
  }
  await writeStateFile(statePath, state.accountId, state.snapshot);
  // Header values are usually secrets: the hint names them, never repeats them.
  const headers = Object.keys(server.headers).map((name) => ` --header '${name}: ...'`);
  const command = `porter-connect connect --account ${state.accountId} --server ${server.url}${headers.join('')} --state ${statePath} --resume`;
  progress.result(
    { outcome: 'interrupted', exitCode, stateFile: statePath },
    `Stopped. The flow is saved in ${statePath}. Resume it with:\n  ${command}`,
    true,
  );
  return exitCode;
}
