import type { ConnectSession } from '@porter/cloud-connect';
import { afterEach, describe, expect, it } from 'vitest';
import { type JsonLine, runCli, startCli } from './support/cli-process';
import { AUTH_HEADER, FAST_TIMING, startWorld, type World } from './support/world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const backendArgs = (w: World) => [
  '--account',
  w.accountId,
  '--server',
  w.serverUrl,
  '--header',
  AUTH_HEADER,
  '--timing',
  FAST_TIMING,
];

// Connects the account with the built command, the test playing the customer.
async function connectAccount(w: World): Promise<ConnectSession> {
  const cli = startCli(['connect', ...backendArgs(w), '--json']);
  const created = await cli.waitForLine(
    (line) => line.kind === 'event' && line.type === 'session.created',
  );
  const session = created.session as ConnectSession;
  await w.createStack(session);
  expect((await cli.exited).code).toBe(0);
  return session;
}

describe('porter-connect status', () => {
  it('exits 8 before the stack exists, and 0 with the role once connected', async () => {
    world = await startWorld();
    const before = await runCli(['status', ...backendArgs(world), '--json']);
    expect(before.code).toBe(8);
    expect(before.lines).toEqual([
      expect.objectContaining({
        kind: 'result',
        command: 'status',
        outcome: 'not-connected',
        exitCode: 8,
        check: expect.objectContaining({ status: 'pending', reason: 'not-assumable' }),
      }),
    ]);

    await connectAccount(world);
    const after = await runCli(['status', ...backendArgs(world)]);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(
      `Connected: Porter can assume arn:aws:iam::${world.accountId}:role/porter-manager`,
    );
  });

  it('exits 3 when the server refuses the sign-in', async () => {
    world = await startWorld();
    const args = backendArgs(world);
    args[args.indexOf(AUTH_HEADER)] = 'Authorization: Bearer wrong';
    const { code, stderr } = await runCli(['status', ...args]);
    expect(code).toBe(3);
    expect(stderr).toContain('Error UNAUTHORIZED:');
    expect(stderr).toContain('HTTP 401');
  });

  it('exits 7 with RATE_LIMITED when AWS throttles the check: connected or not is unknown', async () => {
    world = await startWorld({ scenario: 'throttle' });
    const codes: (number | null)[] = [];
    let throttled: Awaited<ReturnType<typeof runCli>> | undefined;
    // The sandbox throttles every third AWS call; each status check makes one.
    for (let run = 0; run < 3 && !throttled; run += 1) {
      const result = await runCli(['status', ...backendArgs(world), '--json']);
      codes.push(result.code);
      if (result.code === 7) throttled = result;
    }
    expect(codes).toContain(8);
    expect(throttled?.lines.at(-1)).toMatchObject({ exitCode: 7, error: { code: 'RATE_LIMITED' } });
  });

  it('with --sandbox, reports the fresh sandbox account as not connected (exit 8)', async () => {
    const { code, stdout } = await runCli(['status', '--sandbox']);
    expect(code).toBe(8);
    expect(stdout).toContain('Not connected: the role cannot be assumed yet');
  });
});

describe('porter-connect revoke', () => {
  it('points at the stack, waits while the customer deletes it, and exits 0 once access is gone', async () => {
    world = await startWorld();
    const session = await connectAccount(world);
    const cli = startCli(['revoke', ...backendArgs(world), '--json']);
    await cli.waitForLine((line: JsonLine) => line.kind === 'state' && line.step === 'confirming');
    await world.deleteStack(session.stackName);

    const { code } = await cli.exited;
    expect(code).toBe(0);
    const lines = cli.lines();
    expect(lines.filter((line) => line.kind === 'state').map((line) => line.step)).toEqual(
      expect.arrayContaining(['checkingBlockers', 'deletingStack', 'confirming', 'revoked']),
    );
    expect(lines.some((line) => line.kind === 'event' && line.type === 'revoked')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ command: 'revoke', outcome: 'revoked', exitCode: 0 });

    const status = await runCli(['status', ...backendArgs(world)]);
    expect(status.code).toBe(8);
  });

  it('prints the stacks-console link in text mode', async () => {
    world = await startWorld();
    const session = await connectAccount(world);
    const cli = startCli(['revoke', ...backendArgs(world)]);
    const [, link] = await cli.waitForText(
      /Delete the PorterRole stack here to remove access:\n {2}(\S+)/,
    );
    expect(link).toBe(session.stacksConsoleUrl);
    await world.deleteStack(session.stackName);
    expect((await cli.exited).code).toBe(0);
    expect(cli.stdout()).toContain('Revoked: Porter can no longer assume the role');
  });

  it('exits 4 with REVOKE_BLOCKED, listing the clusters, while clusters use the account', async () => {
    world = await startWorld({ blockers: [{ id: 'c-1', kind: 'cluster', name: 'production' }] });
    await connectAccount(world);
    const { code, lines } = await runCli(['revoke', ...backendArgs(world), '--json']);
    expect(code).toBe(4);
    expect(lines.some((line) => line.kind === 'event' && line.type === 'revoke.blocked')).toBe(
      true,
    );
    expect(lines.at(-1)).toMatchObject({
      outcome: 'failed',
      exitCode: 4,
      error: { code: 'REVOKE_BLOCKED' },
      blockers: [{ id: 'c-1', kind: 'cluster', name: 'production' }],
    });
  });

  it('exits 0 at once when Porter cannot assume a role in the account', async () => {
    world = await startWorld();
    const { code, stdout } = await runCli(['revoke', ...backendArgs(world)]);
    expect(code).toBe(0);
    expect(stdout).toContain('there is no access to revoke');
  });

  it('exits 130 on SIGINT while confirming, and a second run finishes the revocation', async () => {
    world = await startWorld();
    const session = await connectAccount(world);
    const first = startCli(['revoke', ...backendArgs(world), '--json']);
    await first.waitForLine(
      (line: JsonLine) => line.kind === 'state' && line.step === 'confirming',
    );
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(130);
    expect(first.lines().at(-1)).toMatchObject({ outcome: 'interrupted', exitCode: 130 });

    await world.deleteStack(session.stackName);
    const second = await runCli(['revoke', ...backendArgs(world)]);
    expect(second.code).toBe(0);
  });
});
