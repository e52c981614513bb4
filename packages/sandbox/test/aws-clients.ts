/**
 * Runs AWS clients nobody here wrote, Debian's AWS CLI v2 and boto3, against a sandbox. They
 * are required, not optional: CI installs them (scripts/install-aws-clients.sh), and a missing
 * client fails the tests with how to install it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Sandbox, SandboxCredentials } from '../src/index';

const AWS_CLI = process.env.AWS_CLI_PATH ?? '/usr/bin/aws';
const PYTHON = process.env.BOTO3_PYTHON ?? '/usr/bin/python3';

/** What a client printed and how it exited. */
export interface ClientRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Throws how to install the AWS CLI v2 and boto3 unless both are there. */
export function requireAwsClients(): void {
  const missing: string[] = [];
  const version = existsSync(AWS_CLI)
    ? execFileSync(AWS_CLI, ['--version'], { encoding: 'utf8' })
    : '';
  if (!version.startsWith('aws-cli/2.')) {
    missing.push(`the AWS CLI v2 at ${AWS_CLI} (found: ${version.trim() || 'nothing'})`);
  }
  try {
    execFileSync(PYTHON, ['-c', 'import boto3'], { stdio: 'ignore' });
  } catch {
    missing.push(`boto3 for ${PYTHON}`);
  }
  if (missing.length > 0) {
    throw new Error(
      `These sandbox tests drive real AWS clients and cannot run without ${missing.join(' and ')}. ` +
        "Install Debian's packages with 'sudo apt-get install -y awscli python3-boto3' " +
        '(scripts/install-aws-clients.sh does it in CI), or set AWS_CLI_PATH and BOTO3_PYTHON.',
    );
  }
}

// Nothing from the machine's own AWS setup may leak in: no config, no profile, no IMDS.
function environment(sandbox: Sandbox, credentials: SandboxCredentials): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken && { AWS_SESSION_TOKEN: credentials.sessionToken }),
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    SANDBOX_URL: sandbox.url,
  };
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<ClientRun> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `aws --endpoint-url <sandbox> ...args` with the given keys. */
export function awsCli(
  sandbox: Sandbox,
  credentials: SandboxCredentials,
  args: string[],
): Promise<ClientRun> {
  return run(
    AWS_CLI,
    ['--endpoint-url', sandbox.url, '--output', 'json', ...args],
    environment(sandbox, credentials),
  );
}

/**
 * Runs a Python script with boto3; the script finds the endpoint in `ENDPOINT` and prints
 * one JSON document, which is parsed.
 */
export async function boto3(
  sandbox: Sandbox,
  credentials: SandboxCredentials,
  script: string,
): Promise<unknown> {
  const prelude = [
    'import json, os, boto3, botocore',
    "ENDPOINT = os.environ['SANDBOX_URL']",
    "def client(name, **kwargs): return boto3.client(name, endpoint_url=ENDPOINT, region_name='us-east-1', **kwargs)",
    'def error_of(call):',
    '    try:',
    '        call()',
    '    except botocore.exceptions.ClientError as error:',
    "        return {'code': error.response['Error']['Code'], 'message': error.response['Error']['Message'], 'status': error.response['ResponseMetadata']['HTTPStatusCode']}",
    "    raise AssertionError('expected the call to fail')",
    '',
  ].join('\n');
  const result = await run(PYTHON, ['-c', prelude + script], environment(sandbox, credentials));
  if (result.code !== 0) {
    throw new Error(`boto3 script failed (${result.code}):\n${result.stderr}\n${result.stdout}`);
  }
  return JSON.parse(result.stdout);
}
