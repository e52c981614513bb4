import {
  CloudFormationClient,
  CreateStackCommand,
  type Parameter,
} from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  createManualClock,
  type Sandbox,
  type SandboxCredentials,
  type SandboxOptions,
  startSandbox,
} from '../src/index';

/** SDK clients pointed at a sandbox, without retries so each error is seen as AWS sent it. */
export function clientsFor(
  sandbox: Sandbox,
  credentials: SandboxCredentials,
  region = 'us-east-1',
) {
  const config = { endpoint: sandbox.url, region, credentials, maxAttempts: 1 };
  return { sts: new STSClient(config), cloudFormation: new CloudFormationClient(config) };
}

/** A sandbox on a clock the test moves (`clock.advance`), with the other options given. */
export async function startOnManualClock(options: Omit<SandboxOptions, 'clock'> = {}) {
  const clock = createManualClock();
  return { clock, sandbox: await startSandbox({ ...options, clock }) };
}

export const EXTERNAL_ID = 'porter-external-id-1234';

/** The role ARN the template creates in the sandbox's customer account. */
export function customerRoleArn(sandbox: Sandbox): string {
  return `arn:aws:iam::${sandbox.customerAccountId}:role/porter-manager`;
}

/** The parameters a Porter session would put in the quick-create link. */
export function roleParameters(sandbox: Sandbox, externalId = EXTERNAL_ID): Parameter[] {
  return [
    { ParameterKey: 'ExternalId', ParameterValue: externalId },
    { ParameterKey: 'TrustedPrincipalArn', ParameterValue: sandbox.vendorPrincipalArn },
  ];
}

/** Creates the PorterRole stack as the customer would, from the template the sandbox serves. */
export function createRoleStack(
  sandbox: Sandbox,
  options: { stackName?: string; externalId?: string } = {},
) {
  const { cloudFormation } = clientsFor(sandbox, sandbox.customerCredentials);
  return cloudFormation.send(
    new CreateStackCommand({
      StackName: options.stackName ?? 'PorterRole',
      TemplateURL: sandbox.templateUrl,
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Parameters: roleParameters(sandbox, options.externalId),
    }),
  );
}

/** AssumeRole as the vendor, the way the server's verifier does it (`null`: no ExternalId). */
export function assumeAsVendor(sandbox: Sandbox, externalId: string | null = EXTERNAL_ID) {
  const { sts } = clientsFor(sandbox, sandbox.vendorCredentials);
  return sts.send(
    new AssumeRoleCommand({
      RoleArn: customerRoleArn(sandbox),
      RoleSessionName: 'cloud-connect-check',
      DurationSeconds: 900,
      ...(externalId !== null && { ExternalId: externalId }),
    }),
  );
}

/** The rejection of a promise, for asserting on AWS errors. */
export async function rejectionOf(promise: Promise<unknown>): Promise<{
  name: string;
  message: string;
  $metadata: { httpStatusCode?: number; requestId?: string };
}> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
