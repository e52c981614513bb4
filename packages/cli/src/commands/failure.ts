import type { ErrorInfo } from '@porter/cloud-connect';
import { type ExitCode, exitCodeOf } from '../exit-codes';
import type { Progress } from '../progress';

/** Reports an error that ends a command, and returns its class's exit code. */
export function failureResult(
  progress: Progress,
  error: ErrorInfo,
  stacksConsoleUrl?: string,
  fields: Record<string, unknown> = {},
): ExitCode {
  const exitCode = exitCodeOf(error.code);
  const lines = [`Error ${error.code}: ${error.message}`];
  // The user's fix is in the console: point at the stack.
  if (exitCode === 4 && stacksConsoleUrl)
    lines.push(`The stack in the console:\n  ${stacksConsoleUrl}`);
  progress.result({ outcome: 'failed', exitCode, error, ...fields }, lines.join('\n'), true);
  return exitCode;
}
