import {
  type CloudConnectEmitted,
  type CloudConnectSnapshot,
  type ConnectionCheck,
  connect,
  type PendingReason,
} from '@porter/cloud-connect';
import type { CliIo } from './io';

/**
 * How a command shows its progress: human lines (a spinner on a terminal, plain lines
 * otherwise) or, with `--json`, one JSON object per line for scripts.
 */
export interface Progress {
  /** A line for people (stdout); nothing in JSON mode. */
  say(text: string): void;
  /** An event the machine emitted. */
  event(event: CloudConnectEmitted): void;
  /** A new snapshot of the machine: the spinner or a plain line on a change, a JSON line on a state change. */
  snapshot(snapshot: CloudConnectSnapshot): void;
  /** The command's last word: a JSON line, or the human text (on stderr when it is bad news). */
  result(fields: Record<string, unknown>, text: string, toStderr?: boolean): void;
  /** Stops the spinner (its line is cleared). */
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;
// Steps where the command waits on the backend or the user: the spinner turns.
const BUSY_STEPS: readonly string[] = [
  'creatingSession',
  'verifying',
  'checkingBlockers',
  'loadingLink',
  'confirming',
];

/** Picks JSON lines, a spinner (stdout is a terminal) or plain lines. */
export function createProgress(io: CliIo, options: { json: boolean; command: string }): Progress {
  if (options.json) return jsonProgress(io, options.command);
  return humanProgress(io);
}

function jsonProgress(io: CliIo, command: string): Progress {
  let lastValue = '';
  const emit = (line: Record<string, unknown>) => io.stdout.write(`${JSON.stringify(line)}\n`);
  return {
    say() {},
    event: (event) => emit({ kind: 'event', ...event }),
    snapshot(snapshot) {
      const value = JSON.stringify(snapshot.value);
      if (value === lastValue) return;
      lastValue = value;
      const view = connect(snapshot, () => {});
      emit({
        kind: 'state',
        state: view.state,
        step: view.step,
        value: snapshot.value,
        status: view.statusMessage,
        attempts: view.attempts,
        ...(view.error && { error: view.error }),
      });
    },
    result: (fields) => emit({ kind: 'result', command, ...fields }),
    stop() {},
  };
}

function humanProgress(io: CliIo): Progress {
  const tty = io.stdout.isTTY === true;
  const startedAt = Date.now();
  let latest: CloudConnectSnapshot | undefined;
  let lastStatus = '';
  let lastCheck: ConnectionCheck | null = null;
  let spinner: ReturnType<typeof setInterval> | undefined;
  let frame = 0;
  let drawn = false;

  const clear = () => {
    if (drawn) io.stdout.write('\r\x1b[2K');
    drawn = false;
  };
  const draw = () => {
    if (!latest) return;
    const view = connect(latest, () => {});
    const since = latest.context.launchedAt ?? startedAt;
    const parts = [`${FRAMES[frame % FRAMES.length]} ${clock(Date.now() - since)}`];
    if (view.step === 'verifying') parts.push(`check ${view.attempts}`);
    parts.push(view.statusMessage);
    // A pseudo-terminal without a size reports 0 columns.
    const columns = (io.stdout as { columns?: number }).columns || 80;
    // A line longer than the terminal wraps, and \r would then redraw only its last row.
    io.stdout.write(`\r\x1b[2K${parts.join(' · ').slice(0, Math.max(columns - 1, 20))}`);
    drawn = true;
    frame += 1;
  };
  const stop = () => {
    if (spinner) clearInterval(spinner);
    spinner = undefined;
    clear();
  };
  const print = (text: string) => {
    clear();
    io.stdout.write(`${text}\n`);
    if (spinner) draw();
  };

  return {
    say: print,
    event() {},
    snapshot(snapshot) {
      latest = snapshot;
      const view = connect(snapshot, () => {});
      const busy = BUSY_STEPS.includes(view.step);
      if (tty) {
        if (busy && !spinner) {
          spinner = setInterval(draw, FRAME_MS);
          spinner.unref?.();
        }
        if (!busy && spinner) {
          clearInterval(spinner);
          spinner = undefined;
          clear();
        }
        if (spinner) draw();
        return;
      }
      // Plain lines: the status when it changes, and each check's outcome.
      if (view.statusMessage !== lastStatus && busy) {
        lastStatus = view.statusMessage;
        print(view.statusMessage);
      }
      const check = snapshot.context.lastCheck;
      if (check !== lastCheck && check?.status === 'pending') {
        print(`Check ${view.attempts}: ${describePending(check)}`);
      }
      lastCheck = check;
    },
    result(_fields, text, toStderr = false) {
      stop();
      io[toStderr ? 'stderr' : 'stdout'].write(`${text}\n`);
    },
    stop,
  };
}

const PENDING_REASONS: Record<PendingReason, string> = {
  'not-assumable': 'the role cannot be assumed yet',
  // A server with stack events heard from CloudFormation that the stack started.
  creating: 'the stack is being created',
  throttled: 'AWS asked us to slow down',
  network: 'AWS or the server could not be reached',
};

/** What a pending check means, in a few words. */
export function describePending(check: Extract<ConnectionCheck, { status: 'pending' }>): string {
  const why = PENDING_REASONS[check.reason];
  return check.stackStatus ? `${why} (stack ${check.stackStatus})` : why;
}

function clock(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
