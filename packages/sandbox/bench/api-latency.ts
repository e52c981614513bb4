// Prints how long the sandbox takes to answer the real SDK clients, per action (SigV4
// verification included). Figures only: no pass/fail. Run: pnpm --filter @porter/cloud-connect-sandbox bench
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createManualClock, startSandbox } from '../src/index';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const RUNS = 300;

const clock = createManualClock();
const sandbox = await startSandbox({ clock });
const config = { endpoint: sandbox.url, region: 'us-east-1', maxAttempts: 1 };
const vendor = new STSClient({ ...config, credentials: sandbox.vendorCredentials });
const customer = new CloudFormationClient({ ...config, credentials: sandbox.customerCredentials });

await customer.send(
  new CreateStackCommand({
    StackName: 'PorterRole',
    TemplateURL: sandbox.templateUrl,
    Capabilities: ['CAPABILITY_NAMED_IAM'],
    Parameters: [
      { ParameterKey: 'ExternalId', ParameterValue: 'bench-external-id' },
      { ParameterKey: 'TrustedPrincipalArn', ParameterValue: sandbox.vendorPrincipalArn },
    ],
  }),
);
clock.advance(sandbox.timing.stackCreateMs + sandbox.timing.propagationMs);

async function measure(name: string, call: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 20; i++) await call(); // warm up connections and JIT
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await call();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
  console.log(
    `${name.padEnd(22)} p50 ${at(0.5).toFixed(2)} ms   p95 ${at(0.95).toFixed(2)} ms   max ${at(1).toFixed(2)} ms`,
  );
}

console.log(`Sandbox latency seen by the AWS SDK v3 clients (${RUNS} calls each, one at a time)`);
await measure('GetCallerIdentity', () => vendor.send(new GetCallerIdentityCommand({})));
await measure('AssumeRole', () =>
  vendor.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${sandbox.customerAccountId}:role/porter-manager`,
      RoleSessionName: 'bench',
      ExternalId: 'bench-external-id',
      DurationSeconds: 900,
    }),
  ),
);
await measure('DescribeStacks', () =>
  customer.send(new DescribeStacksCommand({ StackName: 'PorterRole' })),
);

vendor.destroy();
customer.destroy();
await sandbox.close();
