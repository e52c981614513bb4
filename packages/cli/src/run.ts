import { CloudConnectError } from '@porter/cloud-connect';
import { type OptionValues, parseCommandArgs, UsageError } from './arguments';
import { EXIT_CODES, type ExitCode, exitCodeOf } from './exit-codes';
import { type CliIo, processIo } from './io';
import { COMMAND_NAMES, COMMAND_USAGE, type CommandName, PROGRAM_USAGE } from './usage';

type Command = (values: OptionValues, io: CliIo) => Promise<ExitCode>;

// Loaded on use: `template` and `link` need neither the AWS SDK nor the sandbox.
const COMMANDS: Record<CommandName, () => Promise<Command>> = {
  template: async () => (await import('./commands/template')).templateCommand,
  link: async () => (await import('./commands/link')).linkCommand,
  connect: async () => (await import('./commands/connect')).connectCommand,
  status: async () => (await import('./commands/status')).statusCommand,
  revoke: async () => (await import('./commands/revoke')).revokeCommand,
};

/**
 * Runs `porter-connect` with `argv` (the arguments after the program name) and resolves with
 * its exit code; it never exits the process itself.
 *
 * @example
 * const code = await run(['status', '--account', '123456789012', '--server', url]);
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(`${PROGRAM_USAGE}\n`);
    return name === undefined ? EXIT_CODES.USAGE : EXIT_CODES.OK;
  }
  if (!isCommandName(name)) {
    io.stderr.write(
      `porter-connect: unknown command ${JSON.stringify(name)}.\n\n${PROGRAM_USAGE}\n`,
    );
    return EXIT_CODES.USAGE;
  }
  try {
    const values = parseCommandArgs(name, args);
    if (values.help === true) {
      io.stdout.write(`${COMMAND_USAGE[name]}\n`);
      return EXIT_CODES.OK;
    }
    const command = await COMMANDS[name]();
    return await command(values, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`porter-connect ${name}: ${error.message}\n\n${COMMAND_USAGE[name]}\n`);
      return EXIT_CODES.USAGE;
    }
    // A saved state that does not restore, or a backend that refused before the flow began.
    if (error instanceof CloudConnectError) {
      // The cause says what exactly was wrong (e.g. which part of a saved snapshot).
      const cause = typeof error.cause === 'string' ? ` (${error.cause})` : '';
      io.stderr.write(`Error ${error.code}: ${error.message}${cause}\n`);
      return exitCodeOf(error.code);
    }
    io.stderr.write(`porter-connect ${name}: unexpected error: ${describe(error)}\n`);
    return EXIT_CODES.UNEXPECTED;
  }
}

function isCommandName(value: string): value is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(value);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
