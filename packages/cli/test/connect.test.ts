import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectSession } from '@porter/cloud-connect';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { type JsonLine, runCli, startCli } from './support/cli-process';
import { AUTH_HEADER, FAST_TIMING, startWorld, type World } from './support/world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const isEvent = (type: string) => (line: JsonLine) => line.kind === 'event' && line.type === type;

function connectArgs(w: World, ...more: string[]) {
  return [
    'connect',
    '--account',
    w.accountId,
    '--server',
    w.serverUrl,
    '--header',
    AUTH_HEADER,
    '--timing',
    FAST_TIMING,
    ...more,
  ];
}

describe('porter-connect connect --server', () => {
  it('prints the link, waits for the stack, and exits 0 once connected, one JSON line per event and state', async () => {
    world = await startWorld();
    const cli = startCli(connectArgs(world, '--json'));
    const created = await cli.waitForLine(isEvent('session.created'));
    const session = created.session as ConnectSession;
    expect(session.accountId).toBe(world.accountId);
    await world.createStack(session);

    const { code } = await cli.exited;
    const lines = cli.lines();
    expect(code).toBe(0);
    expect(lines.filter((line) => line.kind === 'event').map((line) => line.type)).toEqual(
      expect.arrayContaining([
        'session.created',
        'stack.launched',
        'verification.attempt',
        'connected',
      ]),
    );
    const steps = lines.filter((line) => line.kind === 'state').map((line) => line.step);
    expect(steps).toEqual(expect.arrayContaining(['creatingSession', 'verifying', 'connected']));
    expect(lines.at(-1)).toMatchObject({
      kind: 'result',
      command: 'connect',
      outcome: 'connected',
      exitCode: 0,
      connection: { accountId: world.accountId, sessionId: session.sessionId },
    });
    // Nothing but JSON on stdout in --json mode.
    expect(
      cli
        .stdout()
        .trim()
        .split('\n')
        .every((line) => line.startsWith('{')),
    ).toBe(true);
  });

  it('prints plain lines, no spinner, when stdout is not a terminal', async () => {
    world = await startWorld();
    const w = world;
    const cli = startCli(connectArgs(w));
    // The link is on stdout: the test reads it as a user would.
    const link = await new Promise<string>((resolve) => {
      const timer = setInterval(() => {
        const match = /Open this link to create the PorterRole stack:\n {2}(\S+)/.exec(
          cli.stdout(),
        );
        if (match) {
          clearInterval(timer);
          resolve(match[1] as string);
        }
      }, 20);
    });
    const session = await sessionFromServer(w);
    expect(link).toBe(session.quickCreateUrl);
    await w.createStack(session);
    const { code } = await cli.exited;
    expect(code).toBe(0);
    expect(cli.stdout()).toContain('Waiting for the stack.');
    expect(cli.stdout()).toContain('Connected: Porter can assume arn:aws:iam::');
    expect(cli.stdout()).not.toContain('\r');
    expect(cli.stdout()).not.toContain('\u001b[');
    expect(cli.stdout()).not.toContain('⠋');
  });

  it('exits 4 with EXTERNAL_ID_NOT_ENFORCED when the role trusts without the ExternalId', async () => {
    world = await startWorld({ scenario: 'no-external-id' });
    const cli = startCli(connectArgs(world, '--json'));
    const created = await cli.waitForLine(isEvent('session.created'));
    await world.createStack(created.session as ConnectSession);
    const { code } = await cli.exited;
    expect(code).toBe(4);
    expect(cli.lines().at(-1)).toMatchObject({ error: { code: 'EXTERNAL_ID_NOT_ENFORCED' } });
    expect(cli.stderr()).toBe('');
  });

  it('exits 5 with VENDOR_CREDENTIALS when the server signs with keys AWS does not know', async () => {
    world = await startWorld({
      vendorCredentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'nope' },
    });
    const { code, stderr } = await runCli(connectArgs(world));
    expect(code).toBe(5);
    expect(stderr).toContain('Error VENDOR_CREDENTIALS:');
  });

  it('exits 3 with UNAUTHORIZED when the server refuses the sign-in', async () => {
    world = await startWorld();
    const args = connectArgs(world);
    args[args.indexOf(AUTH_HEADER)] = 'Authorization: Bearer wrong';
    const { code, stderr } = await runCli(args);
    expect(code).toBe(3);
    expect(stderr).toContain('Error UNAUTHORIZED:');
  });

  it('exits 7 with NETWORK when the server cannot be reached', async () => {
    const { code, stderr } = await runCli([
      'connect',
      '--account',
      '123456789012',
      '--server',
      'http://127.0.0.1:9/api/cloud-connect',
    ]);
    expect(code).toBe(7);
    expect(stderr).toContain('Error NETWORK:');
  });

  it('exits 6 with TIMED_OUT when the stack never comes', async () => {
    world = await startWorld();
    const timing = JSON.stringify({ ...JSON.parse(FAST_TIMING), timeoutMs: 500 });
    const args = connectArgs(world, '--json');
    args[args.indexOf(FAST_TIMING)] = timing;
    const { code, lines } = await runCli(args);
    expect(code).toBe(6);
    expect(lines.at(-1)).toMatchObject({ exitCode: 6, error: { code: 'TIMED_OUT' } });
  });
});

describe('porter-connect connect: Ctrl-C and --resume', () => {
  it('saves the flow on SIGINT, exits 130 saying how to resume, and --resume continues the same verification', async () => {
    world = await startWorld();
    const dir = mkdtempSync(join(tmpdir(), 'porter-connect-'));
    const first = startCli(connectArgs(world, '--json'), { cwd: dir });
    const created = await first.waitForLine(isEvent('session.created'));
    await first.waitForLine((line) => isEvent('verification.attempt')(line) && line.attempt === 2);
    first.child.kill('SIGINT');
    const stopped = await first.exited;

    const statePath = join(dir, `porter-connect-${world.accountId}.state.json`);
    expect(stopped.code).toBe(130);
    expect(first.lines().at(-1)).toMatchObject({
      outcome: 'interrupted',
      exitCode: 130,
      stateFile: statePath,
    });
    expect(first.stderr()).toBe('');
    const saved = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(saved.accountId).toBe(world.accountId);
    expect(saved.snapshot.value).toMatchObject({ connecting: { verifying: expect.anything() } });
    // The header's value is a secret: never in the state file.
    expect(readFileSync(statePath, 'utf8')).not.toContain('test-token');

    const session = created.session as ConnectSession;
    await world.createStack(session);
    const resumed = await runCli(connectArgs(world, '--json', '--resume'), { cwd: dir });
    expect(resumed.code).toBe(0);
    // No new session and no account ID step: the machine went on from verifying.
    expect(resumed.lines.some(isEvent('session.created'))).toBe(false);
    const firstState = resumed.lines.find((line) => line.kind === 'state');
    expect(firstState).toMatchObject({ step: 'verifying' });
    // The attempts counted before Ctrl-C carry on.
    expect(firstState?.attempts).toBeGreaterThanOrEqual(2);
    expect(resumed.lines.at(-1)).toMatchObject({
      outcome: 'connected',
      connection: { sessionId: session.sessionId },
    });
    expect(existsSync(statePath)).toBe(false);
  });

  it('says how to resume in text mode, naming the header without its value', async () => {
    world = await startWorld();
    const dir = mkdtempSync(join(tmpdir(), 'porter-connect-'));
    const statePath = join(dir, 'flow.json');
    const cli = startCli(connectArgs(world, '--state', statePath), { cwd: dir });
    await cli.waitForText(/Check 1:/);
    cli.child.kill('SIGINT');
    const { code } = await cli.exited;
    expect(code).toBe(130);
    expect(cli.stderr()).toContain(`Stopped. The flow is saved in ${statePath}.`);
    expect(cli.stderr()).toContain(
      `porter-connect connect --account ${world.accountId} --server ${world.serverUrl} --header 'authorization: ...' --state ${statePath} --resume`,
    );
    expect(cli.stderr()).not.toContain('test-token');
    expect(existsSync(statePath)).toBe(true);
  });

  it('refuses --resume without a state file (exit 2) and a file that is not one (exit 3)', async () => {
    world = await startWorld();
    const dir = mkdtempSync(join(tmpdir(), 'porter-connect-'));
    const missing = await runCli(connectArgs(world, '--resume'), { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--resume: there is no state file at');

    const bogus = join(dir, 'bogus.json');
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(
        bogus,
        JSON.stringify({
          porterConnectState: 1,
          accountId: world?.accountId,
          snapshot: { status: 'done' },
        }),
      ),
    );
    const invalid = await runCli(connectArgs(world, '--resume', '--state', bogus), { cwd: dir });
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toContain('Error INVALID_SNAPSHOT:');
  });
});

describe('porter-connect connect --sandbox', () => {
  // The sandbox's stack takes three seconds, so checks see it being created even on a busy machine.
  const SANDBOX_TIMING = JSON.stringify({
    ...JSON.parse(FAST_TIMING),
    stackCreateMs: 3000,
    propagationMs: 100,
    stackDeleteMs: 100,
  });
  // Long enough that a flow waiting for the timeout would end with 6 instead of 4.
  const ROLLBACK_TIMING = JSON.stringify({ ...JSON.parse(SANDBOX_TIMING), timeoutMs: 30_000 });

  it('--auto plays the customer in an embedded sandbox and server: one command, exit 0', async () => {
    const { code, stdout } = await runCli([
      'connect',
      '--sandbox',
      '--auto',
      '--timing',
      SANDBOX_TIMING,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('The sandbox customer created the stack.');
    // Stack events are on: the server heard from CloudFormation that the stack started.
    expect(stdout).toContain('The stack is being created.');
    expect(stdout).toMatch(/Check \d+: the stack is being created/);
    expect(stdout).toContain('Connected: Porter can assume arn:aws:iam::');
  });

  it('--auto with --scenario rollback exits 4 with STACK_FAILED as soon as the stack rolls back, not at the timeout', async () => {
    const { code, lines, stderr } = await runCli([
      'connect',
      '--sandbox',
      '--auto',
      '--scenario',
      'rollback',
      '--json',
      '--timing',
      ROLLBACK_TIMING,
    ]);
    expect(code).toBe(4);
    expect(lines.filter(isEvent('connection.failed'))).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({
      kind: 'result',
      outcome: 'failed',
      exitCode: 4,
      error: { code: 'STACK_FAILED' },
    });
    expect(stderr).toBe('');
  });

  it('names STACK_FAILED and points at the stack in plain output when the stack rolls back', async () => {
    const { code, stderr } = await runCli([
      'connect',
      '--sandbox',
      '--auto',
      '--scenario',
      'rollback',
      '--timing',
      ROLLBACK_TIMING,
    ]);
    expect(code).toBe(4);
    expect(stderr).toContain('Error STACK_FAILED:');
    expect(stderr).toMatch(/The stack in the console:\n {2}http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('exits 130 on Ctrl-C, the embedded sandbox and its events listener closed, with nothing to resume', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'porter-connect-'));
    const cli = startCli(['connect', '--sandbox', '--timing', SANDBOX_TIMING], { cwd: dir });
    // A process that something keeps alive would outlive a failing test.
    onTestFinished(() => void cli.child.kill('SIGKILL'));
    await cli.waitForText(/Check 1:/);
    cli.child.kill('SIGINT');
    // Once: a second SIGINT would end the process whatever still listens.
    const { code } = await cli.exited;
    expect(code).toBe(130);
    expect(cli.stderr()).toContain('Stopped. The embedded sandbox ends with this process');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--auto with --scenario no-external-id exits 4 with EXTERNAL_ID_NOT_ENFORCED', async () => {
    const { code, lines } = await runCli([
      'connect',
      '--sandbox',
      '--auto',
      '--scenario',
      'no-external-id',
      '--json',
      '--timing',
      JSON.stringify({ ...JSON.parse(FAST_TIMING), stackCreateMs: 100, propagationMs: 100 }),
    ]);
    expect(code).toBe(4);
    expect(lines.at(-1)).toMatchObject({ error: { code: 'EXTERNAL_ID_NOT_ENFORCED' } });
  });
});

async function sessionFromServer(w: World): Promise<ConnectSession> {
  const response = await fetch(`${w.serverUrl}/sessions`, {
    method: 'POST',
    headers: {
      authorization: AUTH_HEADER.slice('Authorization: '.length),
      'content-type': 'application/json',
    },
    body: JSON.stringify({ accountId: w.accountId }),
  });
  return ((await response.json()) as { session: ConnectSession }).session;
}
