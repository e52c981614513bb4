import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN } from './support/cli-process';
import { FAST_TIMING } from './support/world';

// util-linux's `script` gives the command a pseudo-terminal, as a person's shell would.
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

describe.skipIf(!hasScript)('porter-connect on a terminal', () => {
  it('shows a spinner with the elapsed time, the attempt count and the status line', async () => {
    const timing = JSON.stringify({
      ...JSON.parse(FAST_TIMING),
      firstCheckMs: 600,
      intervalMs: 300,
      stackCreateMs: 600,
      propagationMs: 600,
    });
    const command = [
      process.execPath,
      '--import',
      TSX_LOADER,
      '--conditions=@porter/source',
      BIN,
      'connect',
      '--sandbox',
      '--auto',
      '--timing',
      timing,
    ]
      .map(quote)
      .join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      env: { ...process.env, PORTER_CONNECT_NO_OPEN: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    // Redrawn in place: a carriage return and an erase-line before each frame.
    const frames = output.split('\r\u001b[2K').slice(1);
    const spinner = /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] 0:0\d · check [1-9] · Waiting for the stack/;
    expect(frames.some((frame) => spinner.test(frame))).toBe(true);
    expect(output).toContain('Connected: Porter can assume');
  });
});
