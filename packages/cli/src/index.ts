export { EXIT_CODES, type ExitCode, exitCodeOf } from './exit-codes';
export type { CliIo, CliOutput } from './io';
export { run } from './run';
