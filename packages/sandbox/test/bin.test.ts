import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requireAwsClients } from './aws-clients';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs the command from source; resolves when it prints `until` (or exits). */
function run(args: string[], until?: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@porter/source', 'src/bin.ts', ...args],
    {
      cwd: packageDir,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const printed = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (until && stdout.includes(until)) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    void exited.then(() => resolve());
  });
  return { child, exited, printed, output: () => ({ stdout, stderr }) };
}

describe('cloud-connect-sandbox command', () => {
  it('prints the endpoint, console, template and vendor credentials, serves, and stops on SIGINT', async () => {
    const command = run(['--port', '0', '--scenario', 'rollback'], 'Press Ctrl-C to stop.');
    await command.printed;
    const { stdout } = command.output();
    expect(stdout).toContain('scenario: rollback');
    expect(stdout).toContain('AWS_ACCESS_KEY_ID=AKIASANDBOXVENDOR001');
    expect(stdout).toContain('AWS_SECRET_ACCESS_KEY=');
    expect(stdout).toContain('arn:aws:iam::111122223333:user/porter-connect');
    const endpoint = /AWS endpoint \(STS \+ CloudFormation\)\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(
      stdout,
    )?.[1];
    expect(endpoint).toBeDefined();
    const scenario = await fetch(`${endpoint}/_sandbox/scenario`);
    expect(await scenario.json()).toMatchObject({ scenario: 'rollback' });

    command.child.kill('SIGINT');
    expect(await command.exited).toBe(0);
  });

  it('prints the customer credentials and a create-stack example that works when pasted into a shell', async () => {
    requireAwsClients();
    const command = run(['--port', '0'], 'Press Ctrl-C to stop.');
    try {
      await command.printed;
      const { stdout } = command.output();
      expect(stdout).toContain('AWS_ACCESS_KEY_ID=AKIASANDBOXCUSTOMER1');
      expect(stdout).toContain(
        'AWS_SECRET_ACCESS_KEY=sandbox/customer/secret/key/not/a/real/aws/key',
      );
      const example = /Create the role stack as the customer[^\n]*\n((?: {4}.*\n)+)/.exec(
        stdout,
      )?.[1];
      expect(example).toContain('cloudformation create-stack --stack-name PorterRole');
      const script = (example ?? '')
        .replace("EXTERNAL_ID='paste-the-ExternalId-here'", "EXTERNAL_ID='ext-from-the-shell'")
        .replace(/^ {4}aws /m, `    ${process.env.AWS_CLI_PATH ?? '/usr/bin/aws'} --output json `);
      const shell = await new Promise<{ code: number; stdout: string; stderr: string }>(
        (resolve) => {
          execFile(
            'bash',
            ['-c', script],
            {
              env: {
                PATH: process.env.PATH,
                HOME: process.env.HOME,
                AWS_CONFIG_FILE: '/dev/null',
                AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
                AWS_PAGER: '',
              },
            },
            (error, out, err) =>
              resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
          );
        },
      );
      expect(shell.stderr).toBe('');
      expect(shell.code).toBe(0);
      expect(JSON.parse(shell.stdout).StackId).toMatch(/:123456789012:stack\/PorterRole\//);
    } finally {
      command.child.kill('SIGINT');
      await command.exited;
    }
  });

  it('refuses a bad port or scenario with usage and exit code 2', async () => {
    const badPort = run(['--port', 'lots']);
    expect(await badPort.exited).toBe(2);
    expect(badPort.output().stderr).toContain('--port must be a port number');
    const badScenario = run(['--scenario', 'chaos']);
    expect(await badScenario.exited).toBe(2);
    expect(badScenario.output().stderr).toContain('Usage: cloud-connect-sandbox');
  });
});
