#!/usr/bin/env node
/** `cloud-connect-sandbox --port 4566 [--scenario rollback]`: runs the sandbox until Ctrl-C. */
import { parseArgs } from 'node:util';
import { type Sandbox, startSandbox } from './sandbox';
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

  Customer credentials (an IAM user in account ${sandbox.customerAccountId}, to play the customer):
    AWS_ACCESS_KEY_ID=${sandbox.customerCredentials.accessKeyId}
    AWS_SECRET_ACCESS_KEY=${sandbox.customerCredentials.secretAccessKey}

${customerExample(sandbox)}

Press Ctrl-C to stop.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sandbox.close();
  return 0;
}

/** A copy-paste `aws cloudformation create-stack` that creates the role stack as the customer. */
function customerExample(sandbox: Sandbox): string {
  const { accessKeyId, secretAccessKey } = sandbox.customerCredentials;
  return `  Create the role stack as the customer with the AWS CLI v2 (put your session's ExternalId in):
    export AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY='${secretAccessKey}' AWS_DEFAULT_REGION=us-east-1
    EXTERNAL_ID='paste-the-ExternalId-here'
    aws --endpoint-url ${sandbox.url} cloudformation create-stack --stack-name PorterRole \\
      --template-url ${sandbox.templateUrl} \\
      --capabilities CAPABILITY_NAMED_IAM \\
      --parameters ParameterKey=ExternalId,ParameterValue="$EXTERNAL_ID" \\
        ParameterKey=TrustedPrincipalArn,ParameterValue=${sandbox.vendorPrincipalArn}`;
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
