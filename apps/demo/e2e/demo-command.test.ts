// The command a person runs: it prints one URL, stops on Ctrl-C, and says what to do when a
// port is taken.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const APP_ROOT = fileURLToPath(new URL('..', import.meta.url));
let dataDir = '';
let child: ChildProcess | undefined;
let blocker: Server | undefined;

afterEach(async () => {
  // tsx runs the server in a child process of its own: kill the whole group, not just tsx.
  try {
    if (child?.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
  await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
  rmSync(dataDir, { recursive: true, force: true });
});

function runDemo(args: string[], env: Record<string, string> = { CLOUD_CONNECT_MODE: 'sandbox' }) {
  dataDir = mkdtempSync(join(tmpdir(), 'northwind-command-'));
  const process_ = spawn(
    join(APP_ROOT, 'node_modules/.bin/tsx'),
    ['--conditions=@porter/source', 'server/main.ts', '--data-dir', dataDir, ...args],
    { cwd: APP_ROOT, env: { ...process.env, ...env }, detached: true },
  );
  child = process_;
  let output = '';
  process_.stdout.on('data', (chunk) => (output += chunk));
  process_.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => process_.on('exit', resolve));
  return { process: process_, output: () => output, exited };
}

async function takenPort(): Promise<number> {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker?.listen(0, '127.0.0.1', resolve));
  const address = blocker.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

const AWS_SETTINGS = {
  CLOUD_CONNECT_MODE: 'aws',
  CLOUD_CONNECT_TRUSTED_PRINCIPAL_ARN: 'arn:aws:iam::111122223333:user/porter-connect',
  CLOUD_CONNECT_TEMPLATE_URL:
    'https://northwind-templates.s3.us-east-1.amazonaws.com/porter-role-standard-events.json',
};
const EVENT_TOKEN_SECRET = 'a-test-secret-of-at-least-32-characters';

describe('the demo command', () => {
  it('prints one URL on 127.0.0.1, serves the app there, and stops on Ctrl-C', async () => {
    const demo = runDemo(['--port', '0', '--sandbox-port', '0']);
    await expect.poll(demo.output, { timeout: 30_000 }).toMatch(/Open http:\/\/127\.0\.0\.1:\d+\//);
    const urls = demo.output().match(/Open (http:\/\/127\.0\.0\.1:\d+\/)/);
    expect(demo.output()).toContain('stack events on');
    const page = await fetch(urls?.[1] ?? '');
    expect(page.status).toBe(200);
    await expect(page.text()).resolves.toContain('<div id="root">');

    demo.process.kill('SIGINT');
    await expect(demo.exited).resolves.toBe(0);
    expect(demo.output()).toContain('Stopping the demo');
  });

  it('names the flag to use when its port is taken', async () => {
    const port = await takenPort();
    const demo = runDemo(['--port', String(port), '--sandbox-port', '0']);
    await expect(demo.exited).resolves.toBe(1);
    expect(demo.output()).toContain(`Port ${port} on 127.0.0.1 is already in use.`);
    expect(demo.output()).toContain(`bash scripts/demo.sh --port ${port + 1}`);
  });

  it('names the sandbox flag when the sandbox port is taken', async () => {
    const port = await takenPort();
    const demo = runDemo(['--port', '0', '--sandbox-port', String(port)]);
    await expect(demo.exited).resolves.toBe(1);
    expect(demo.output()).toContain(`--sandbox-port ${port + 1}`);
  });

  it('in real AWS mode, refuses to start without its settings and names them', async () => {
    const demo = runDemo(['--port', '0'], { CLOUD_CONNECT_MODE: 'aws' });
    await expect(demo.exited).resolves.toBe(1);
    expect(demo.output()).toContain(
      'CLOUD_CONNECT_MODE=aws needs CLOUD_CONNECT_TRUSTED_PRINCIPAL_ARN and CLOUD_CONNECT_TEMPLATE_URL',
    );
  });

  it('in real AWS mode, refuses a template URL that is not on S3, naming the setting', async () => {
    const demo = runDemo(['--port', '0'], {
      CLOUD_CONNECT_MODE: 'aws',
      CLOUD_CONNECT_TRUSTED_PRINCIPAL_ARN: 'arn:aws:iam::111122223333:user/porter-connect',
      CLOUD_CONNECT_TEMPLATE_URL: 'https://example.com/porter-role.json',
    });
    await expect(demo.exited).resolves.toBe(1);
    expect(demo.output()).toContain('config.templateUrl');
  });

  it('in real AWS mode, starts with the documented settings and serves the app without the sandbox panel', async () => {
    const demo = runDemo(['--port', '0'], {
      CLOUD_CONNECT_MODE: 'aws',
      CLOUD_CONNECT_TRUSTED_PRINCIPAL_ARN: 'arn:aws:iam::111122223333:user/porter-connect',
      CLOUD_CONNECT_TEMPLATE_URL:
        'https://northwind-templates.s3.us-east-1.amazonaws.com/porter-role-standard.json',
    });
    await expect.poll(demo.output, { timeout: 30_000 }).toMatch(/Open http:\/\/127\.0\.0\.1:\d+\//);
    expect(demo.output()).toContain('real AWS mode; stack events off');
    const url = demo.output().match(/Open (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1] ?? '';
    const page = await fetch(url);
    const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
    const config = await fetch(`${url}api/demo/config`, { headers: { cookie } });
    await expect(config.json()).resolves.toMatchObject({ mode: 'aws', timing: {} });
    const panel = await fetch(`${url}api/demo/sandbox`, { headers: { cookie } });
    expect(panel.status).toBe(404);
  });

  it('in real AWS mode, refuses half of the stack events settings and names the other', async () => {
    const demo = runDemo(['--port', '0'], {
      ...AWS_SETTINGS,
      CLOUD_CONNECT_EVENT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:cloud-connect-events',
    });
    await expect(demo.exited).resolves.toBe(1);
    expect(demo.output()).toContain('CLOUD_CONNECT_EVENT_TOKEN_SECRET is not set');
  });

  it("in real AWS mode, refuses an events topic of another region than the sessions'", async () => {
    const demo = runDemo(['--port', '0'], {
      ...AWS_SETTINGS,
      CLOUD_CONNECT_EVENT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:cloud-connect-events',
      CLOUD_CONNECT_EVENT_TOKEN_SECRET: EVENT_TOKEN_SECRET,
    });
    await expect(demo.exited).resolves.toBe(1);
    expect(demo.output()).toContain('config.events.topics');
  });

  it('in real AWS mode, turns stack events on with both settings and takes SNS messages at the events route', async () => {
    const demo = runDemo(['--port', '0'], {
      ...AWS_SETTINGS,
      CLOUD_CONNECT_EVENT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:cloud-connect-events',
      CLOUD_CONNECT_EVENT_TOKEN_SECRET: EVENT_TOKEN_SECRET,
    });
    await expect.poll(demo.output, { timeout: 30_000 }).toMatch(/Open http:\/\/127\.0\.0\.1:\d+\//);
    expect(demo.output()).toContain('real AWS mode; stack events on');
    const url = demo.output().match(/Open (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1] ?? '';
    // The route exists (without events it is a 404) and refuses what is not an SNS message.
    const events = await fetch(`${url}api/cloud-connect/events`, { method: 'POST', body: '{}' });
    expect(events.status).toBe(400);
    await expect(events.json()).resolves.toMatchObject({ reason: 'not-an-sns-message' });
  });
});
