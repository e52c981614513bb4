import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { quickCreateUrl } from '@porter/cloud-connect';
import { buildRoleTemplate } from '@porter/cloud-connect/template';
import { SANDBOX_SCENARIOS } from '@porter/cloud-connect-sandbox';
import { describe, expect, it } from 'vitest';
import { run } from '../src/run';
import { COMMAND_USAGE } from '../src/usage';
import { runCli } from './support/cli-process';
import { memoryIo } from './support/memory-io';

// The command in this process: the same code as the bin, without a process start per case.
async function runHere(args: readonly string[]) {
  const { io, stdout, stderr } = memoryIo();
  const code = await run(args, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

const COMMANDS = ['template', 'link', 'connect', 'status', 'revoke'];

describe('porter-connect arguments', () => {
  it.each(COMMANDS)('%s --help prints its usage and exits 0', async (command) => {
    const { code, stdout } = await runHere([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: porter-connect ${command}`);
  });

  it.each(['connect', 'status', 'revoke'] as const)(
    '%s --help names every sandbox scenario',
    (command) => {
      for (const scenario of SANDBOX_SCENARIOS) expect(COMMAND_USAGE[command]).toContain(scenario);
    },
  );

  it('the built command: --help lists every command and the exit codes', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(stdout).toContain(`  ${command}`);
    expect(stdout).toContain('130 interrupted');
  });

  it.each([
    [['connect', '--acount', '123456789012', '--sandbox'], "'--acount'"],
    [['connect', '--account', '12345', '--server', 'http://127.0.0.1:1'], '--account'],
    [['connect', '--account', '123456789012'], '--server URL or --sandbox'],
    [['connect', '--account', '123456789012', '--server', 'ftp://x'], '--server'],
    [
      ['connect', '--server', 'http://127.0.0.1:1', '--auto', '--account', '123456789012'],
      '--auto',
    ],
    [['connect', '--sandbox', '--timing', '{"fastMs":1}'], '"fastMs"'],
    [['connect', '--sandbox', '--scenario', 'sunny'], '--scenario'],
    [
      ['status', '--account', '123456789012', '--server', 'http://h', '--header', 'no colon'],
      '--header',
    ],
    [['template', '--format', 'xml'], '--format'],
    [['template', 'extra'], "'extra'"],
    [['link', '--account', '123456789012'], '--external-id'],
    [['frobnicate'], '"frobnicate"'],
  ])('%j is refused with exit code 2, naming %s', async (args, named) => {
    const { code, stderr, stdout } = await runHere(args);
    expect(code).toBe(2);
    expect(stderr).toContain(named);
    expect(stderr).toContain('Usage: porter-connect');
    expect(stdout).toBe('');
  });

  it('the built command: a misspelt option exits 2 with the usage, naming the option', async () => {
    const { code, stderr } = await runCli(['status', '--acount', '123456789012', '--sandbox']);
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--acount'");
    expect(stderr).toContain('Usage: porter-connect status');
  });

  it('never echoes a --header value it refuses (it is usually a secret)', async () => {
    const { code, stderr } = await runHere([
      'status',
      '--account',
      '123456789012',
      '--server',
      'http://127.0.0.1:1',
      '--header',
      'Authorization Bearer s3cret-token',
    ]);
    expect(code).toBe(2);
    expect(stderr).not.toContain('s3cret-token');
  });
});

describe('porter-connect template', () => {
  it.each(['standard', 'restricted'] as const)('prints the %s template as JSON', async (preset) => {
    const { code, stdout } = await runHere(['template', '--preset', preset]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(buildRoleTemplate({ preset }));
  });

  it('prints the YAML template core publishes, without its generator comment', async () => {
    const { code, stdout } = await runCli([
      'template',
      '--format',
      'yaml',
      '--preset',
      'restricted',
    ]);
    const published = readFileSync(
      createRequire(import.meta.url).resolve(
        '@porter/cloud-connect/templates/porter-role-restricted.yaml',
      ),
      'utf8',
    );
    expect(code).toBe(0);
    expect(stdout.startsWith('AWSTemplateFormatVersion: "2010-09-09"\n')).toBe(true);
    expect(published.endsWith(stdout)).toBe(true);
  });
});

describe('porter-connect link', () => {
  const templateUrl =
    'https://porter-templates.s3.us-east-1.amazonaws.com/porter-role-standard.json';
  const principal = 'arn:aws:iam::111122223333:root';

  it('prints the quick-create link core builds, and the role it creates', async () => {
    const { code, stdout } = await runHere([
      'link',
      '--account',
      '0123-4567-8901',
      '--external-id',
      'ext-123',
      '--principal',
      principal,
      '--template-url',
      templateUrl,
      '--region',
      'eu-west-1',
      '--json',
    ]);
    const expected = quickCreateUrl({
      region: 'eu-west-1',
      templateUrl,
      stackName: 'PorterRole',
      parameters: { ExternalId: 'ext-123', TrustedPrincipalArn: principal },
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      url: expected.ok && expected.url,
      roleArn: 'arn:aws:iam::012345678901:role/porter-manager',
    });
  });

  it.each([
    [['--external-id', 'has spaces'], '--external-id'],
    [['--principal', 'arn:aws:iam::*:root'], '--principal'],
    [['--template-url', 'http://example.com/t.json'], '--template-url'],
    [['--region', 'mars-1'], '--region'],
  ])('refuses %j with exit code 2', async (override, named) => {
    const options: Record<string, string> = {
      '--account': '123456789012',
      '--external-id': 'ext-123',
      '--principal': principal,
      '--template-url': templateUrl,
    };
    options[override[0] as string] = override[1] as string;
    const { code, stderr } = await runHere(['link', ...Object.entries(options).flat()]);
    expect(code).toBe(2);
    expect(stderr).toContain(named);
  });
});
