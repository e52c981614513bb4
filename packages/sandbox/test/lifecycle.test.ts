import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../src/index';
import { send } from './raw-requests';
import { clientsFor, createRoleStack } from './sandbox-clients';

const HANDLE_TYPES = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'];

function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    if (HANDLE_TYPES.includes(type)) counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

function canConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('startSandbox and close', () => {
  it('leaves no server, socket or timer open after close, even with keep-alive clients connected', async () => {
    const before = openHandles();
    const sandbox = await startSandbox();
    const { sts, cloudFormation } = clientsFor(sandbox, sandbox.customerCredentials);
    await createRoleStack(sandbox);
    await cloudFormation.send(new DescribeStacksCommand({}));
    await sts.send(new GetCallerIdentityCommand({}));
    expect(openHandles().TCPServerWrap ?? 0).toBeGreaterThan(before.TCPServerWrap ?? 0);

    sts.destroy();
    cloudFormation.destroy();
    await sandbox.close();
    const after = openHandles();
    expect(after.TCPServerWrap ?? 0).toBe(before.TCPServerWrap ?? 0);
    expect(after.TCPSocketWrap ?? 0).toBe(before.TCPSocketWrap ?? 0);
    expect(after.Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0);
    expect(await canConnect(Number(new URL(sandbox.url).port), '127.0.0.1')).toBe(false);
  });

  it('can be closed twice', async () => {
    const sandbox = await startSandbox();
    await sandbox.close();
    await expect(sandbox.close()).resolves.toBeUndefined();
  });

  it('listens on 127.0.0.1 only, on a free port when asked for port 0', async () => {
    const first = await startSandbox({ port: 0 });
    const second = await startSandbox({ port: 0 });
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(first.url).not.toBe(second.url);
      expect(first.consoleBaseUrl).toBe(first.url);
      expect(first.templateUrl).toBe(`${first.url}/templates/porter-role-standard.json`);
      const port = Number(new URL(first.url).port);
      const external = Object.values(networkInterfaces())
        .flat()
        .find((address) => address && address.family === 'IPv4' && !address.internal);
      if (external) expect(await canConnect(port, external.address)).toBe(false);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('uses the port it is given, and refuses one that is taken', async () => {
    const probe = await startSandbox();
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const sandbox = await startSandbox({ port });
    try {
      expect(sandbox.url).toBe(`http://127.0.0.1:${port}`);
      await expect(startSandbox({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await sandbox.close();
    }
  });

  it('refuses negative timings, a throttle period below 1 and a body limit that is no size', async () => {
    await expect(startSandbox({ timing: { stackCreateMs: -1 } })).rejects.toThrow(RangeError);
    await expect(startSandbox({ throttleEvery: 0 })).rejects.toThrow(RangeError);
    for (const maxBodyBytes of [Number.NaN, -1, 1.5]) {
      await expect(startSandbox({ maxBodyBytes })).rejects.toThrow(RangeError);
    }
  });

  it('serves the role template as JSON at templateUrl', async () => {
    const sandbox = await startSandbox();
    try {
      const response = await send(sandbox.templateUrl);
      expect(response.status).toBe(200);
      const template = JSON.parse(response.body);
      expect(Object.keys(template.Parameters)).toEqual(['ExternalId', 'TrustedPrincipalArn']);
      expect(template.Resources.PorterManagerRole.Properties.RoleName).toBe('porter-manager');
    } finally {
      await sandbox.close();
    }
  });

  it('really waits for stackCreateMs on the wall clock when no clock is given', async () => {
    const stackCreateMs = 200;
    const sandbox = await startSandbox({
      timing: { stackCreateMs, propagationMs: 0, stackDeleteMs: 30 },
    });
    try {
      const started = Date.now();
      await createRoleStack(sandbox);
      const { cloudFormation } = clientsFor(sandbox, sandbox.customerCredentials);
      const status = async () =>
        (await cloudFormation.send(new DescribeStacksCommand({ StackName: 'PorterRole' })))
          .Stacks?.[0]?.StackStatus;
      await expect.poll(status).toBe('CREATE_COMPLETE');
      // A lower bound only: a busy machine makes it later, never sooner.
      expect(Date.now() - started).toBeGreaterThanOrEqual(stackCreateMs);
      cloudFormation.destroy();
    } finally {
      await sandbox.close();
    }
  });
});
