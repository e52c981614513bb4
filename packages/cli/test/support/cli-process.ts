import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
// By URL, so the loader is found whatever the working directory of the command.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The built command. Its workspace dependencies load from source (tsx), so no other build is needed. */
export const BIN = `${packageRoot}dist/bin.js`;

/** A parsed `--json` line. */
export type JsonLine = Record<string, unknown> & { kind: string };

/** A running `porter-connect` and what it printed so far. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The `--json` lines so far. */
  lines(): JsonLine[];
  /** Resolves with the first JSON line that matches (rejects if the process ends first). */
  waitForLine(match: (line: JsonLine) => boolean): Promise<JsonLine>;
  /** Resolves with the match once stdout matches `pattern` (rejects if the process ends first). */
  waitForText(pattern: RegExp): Promise<RegExpExecArray>;
  /** Resolves when the process has exited and its output is all read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `porter-connect args...` with stdout and stderr piped (so not a terminal). */
export function startCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): CliProcess {
  const child = spawn(
    process.execPath,
    ['--import', TSX_LOADER, '--conditions=@porter/source', BIN, ...args],
    {
      cwd: options.cwd ?? packageRoot,
      env: { ...process.env, PORTER_CONNECT_NO_OPEN: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  const waiters: { match: (line: JsonLine) => boolean; resolve(line: JsonLine): void }[] = [];
  const textWaiters: { pattern: RegExp; resolve(match: RegExpExecArray): void }[] = [];
  // Complete lines only: a chunk may end mid-line.
  const lines = () =>
    stdout
      .split('\n')
      .slice(0, -1)
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as JsonLine);
  const settleWaiters = () => {
    for (const waiter of [...textWaiters]) {
      const match = waiter.pattern.exec(stdout);
      if (match) {
        textWaiters.splice(textWaiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
    const parsed = lines();
    for (const waiter of [...waiters]) {
      const found = parsed.find(waiter.match);
      if (found) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    settleWaiters();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    // 'close' comes after 'exit' once stdout and stderr are drained.
    (resolve) => child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const exitedFirst = () =>
    new Error(`porter-connect exited first.\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    lines,
    exited,
    waitForLine(match) {
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        settleWaiters();
        void exited.then(() => reject(exitedFirst()));
      });
    },
    waitForText(pattern) {
      return new Promise((resolve, reject) => {
        textWaiters.push({ pattern, resolve });
        settleWaiters();
        void exited.then(() => reject(exitedFirst()));
      });
    },
  };
}

/** Runs `porter-connect args...` to the end. */
export async function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  const cli = startCli(args, options);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr(), lines: cli.lines() };
}
