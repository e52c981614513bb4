import type { ErrorInfo } from '@porter/cloud-connect';
import { EXIT_CODES, type ExitCode, exitCodeOf } from '../exit-codes';
import type { Progress } from '../progress';

/**
 * An error as the CLI reports it: the machine's plain-data error, with the facts a developer
 * needs (the HTTP status, the URL, the server's own words, the likely fix) when they are known.
 */
export type ReportedError = ErrorInfo & {
  detail?: { status?: number; url?: string; cause?: string; hint?: string };
};

/** Reports an error that ends a command, and returns its class's exit code. */
export function failureResult(
  progress: Progress,
  error: ReportedError,
  stacksConsoleUrl?: string,
  fields: Record<string, unknown> = {},
): ExitCode {
  const exitCode = exitCodeOf(error.code);
  const lines = [`Error ${error.code}: ${error.message}`];
  const { status, url, cause, hint } = error.detail ?? {};
  const facts = [status === undefined ? '' : `HTTP ${status}`, url ?? '', cause ?? ''].filter(
    Boolean,
  );
  // The person at a terminal is usually the developer: the facts a UI would hide help here.
  if (facts.length > 0) lines.push(`  (${facts.join(', ')})`);
  if (hint) lines.push(`  ${hint}`);
  // The customer's fix is in the console: point at the stack.
  if (exitCode === EXIT_CODES.CUSTOMER && stacksConsoleUrl) {
    lines.push(`The stack in the console:\n  ${stacksConsoleUrl}`);
  }
  progress.result({ outcome: 'failed', exitCode, error, ...fields }, lines.join('\n'), true);
  return exitCode;
}

/** Ctrl-C before an answer: nothing to save, a check is cheap to run again. */
export function interruptedResult(progress: Progress): ExitCode {
  progress.result(
    { outcome: 'interrupted', exitCode: EXIT_CODES.INTERRUPTED },
    'Stopped. Run the command again to continue.',
    true,
  );
  return EXIT_CODES.INTERRUPTED;
}
