/** Where the command writes: a stream, and whether it is a terminal (spinner) or not (plain lines). */
export interface CliOutput {
  write(chunk: string): unknown;
  /** True on a terminal: then progress is a spinner that rewrites one line. */
  isTTY?: boolean;
}

/** What `run` reads and writes besides its arguments, so tests can run it in-process. */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** Environment variables (`PORTER_CONNECT_NO_OPEN`, `NO_COLOR`, `DISPLAY`, ...). */
  env: Readonly<Record<string, string | undefined>>;
  /** The directory relative state files are resolved against. */
  cwd: string;
  /** Aborted on Ctrl-C: a running command saves its state and stops with exit code 130. */
  signal?: AbortSignal;
}

/** The process's own streams, environment and directory. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    ...(signal && { signal }),
  };
}
