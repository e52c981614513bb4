#!/usr/bin/env node
/** `cloud-connect-sandbox --port 4566 [--scenario rollback]`: runs the sandbox until Ctrl-C. */
import { parseArgs } from 'node:util';
import { startSandbox } from './sandbox';
import { isSandboxScenario, SANDBOX_SCENARIOS } from './scenarios';

const USAGE = `Usage: cloud-connect-sandbox [--port 4566] [--scenario ${SANDBOX_SCENARIOS.join('|')}]

Runs a local AWS (STS, CloudFormation and console pages) on 127.0.0.1 for Cloud Connect.`;

async function main(): Promise<number> {
  let values: { port?: string; scenario?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '4566' },
        scenario: { type: 'string', default: 'normal' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(
      `--port must be a port number (0-65535), not ${JSON.stringify(values.port)}.\n\n${USAGE}`,
    );
    return 2;
  }
  if (!isSandboxScenario(values.scenario)) {
    console.error(`--scenario must be one of ${SANDBOX_SCENARIOS.join(', ')}.\n\n${USAGE}`);
    return 2;
  }
  const sandbox = await startSandbox({ port, scenario: values.scenario });
  console.log(`Cloud Connect sandbox is running (scenario: ${sandbox.scenario}).

  AWS endpoint (STS + CloudFormation)  ${sandbox.url}
  Console                              ${sandbox.consoleBaseUrl}/cloudformation/home?region=us-east-1
  Role template                        ${sandbox.templateUrl}
  Switch scenario                      curl -d scenario=rollback ${sandbox.url}/_sandbox/scenario

  Vendor credentials (what your server signs with):
    AWS_ACCESS_KEY_ID=${sandbox.vendorCredentials.accessKeyId}
    AWS_SECRET_ACCESS_KEY=${sandbox.vendorCredentials.secretAccessKey}
    trusted principal ARN: ${sandbox.vendorPrincipalArn}
  Customer account: ${sandbox.customerAccountId}

Press Ctrl-C to stop.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sandbox.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message =
      (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? 'That port is already in use; pick another with --port.'
        : String(error);
    console.error(`cloud-connect-sandbox: ${message}`);
    process.exitCode = 1;
  },
);
