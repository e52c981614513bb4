import {
  CloudFormationClient,
  type CloudFormationClientResolvedConfig,
  type ServiceInputTypes as CloudFormationInputs,
  type ServiceOutputTypes as CloudFormationOutputs,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  STSClient,
  type STSClientResolvedConfig,
} from '@aws-sdk/client-sts';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import type { RoleTarget } from '../../src/connection-verifier';

/** Credentials the fake STS hands out; a test asserts none of these strings ever leaves the server. */
export const ASSUMED = {
  AccessKeyId: 'ASIAFAKEASSUMEDKEY42',
  SecretAccessKey: 'fakeSecret/Assumed+Key0123456789abcdefGHIJ',
  SessionToken: 'FwoGZXIvYXdzEFAKE-session-token-that-must-never-leak==',
  Expiration: new Date('2030-01-01T00:00:00Z'),
};

export const TARGET: RoleTarget = {
  accountId: '012345678901',
  externalId: 'cc-the-real-external-id-0123456789',
  region: 'us-east-1',
  roleName: 'porter-manager',
  stackName: 'PorterRole',
};

/** An error shaped like the SDK's service exceptions. */
export function awsError(name: string, status = 400, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name}: fake AWS error`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: `req-${name}` },
    ...extra,
  });
}

/** A network failure as Node's HTTP handler reports it (no HTTP answer). */
export function networkError(code = 'ECONNREFUSED'): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:443`), { code, $metadata: {} });
}

export type RoleBehaviour =
  /** The stack does not exist (yet) or the role is still propagating. */
  | 'missing'
  /** The role exists and insists on the ExternalId. */
  | 'ready'
  /** The role exists but trusts the vendor without an ExternalId condition. */
  | 'no-external-id';

export interface FakeAws {
  sts: AwsStub<ServiceInputTypes, ServiceOutputTypes, STSClientResolvedConfig>;
  cloudFormation: AwsStub<
    CloudFormationInputs,
    CloudFormationOutputs,
    CloudFormationClientResolvedConfig
  >;
  /** Every AssumeRole input, in order. */
  assumeRoleInputs(): AssumeRoleCommandInput[];
  restore(): void;
}

/**
 * Mocks STS and CloudFormation for every client instance (the verifier's own included) and
 * plays a customer's role. `stack` is what DescribeStacks answers with the assumed credentials.
 */
export function fakeAws(
  options: {
    role?: RoleBehaviour;
    externalId?: string;
    stack?: Partial<NonNullable<DescribeStacksCommandOutput['Stacks']>[number]> | Error;
    latencyMs?: number;
  } = {},
): FakeAws {
  const sts = mockClient(STSClient);
  const cloudFormation = mockClient(CloudFormationClient);
  const externalId = options.externalId ?? TARGET.externalId;
  sts.on(AssumeRoleCommand).callsFake(async (input: AssumeRoleCommandInput) => {
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const role = options.role ?? 'ready';
    const allowed =
      role === 'no-external-id' || (role === 'ready' && input.ExternalId === externalId);
    if (!allowed) throw awsError('AccessDenied', 403);
    return { Credentials: ASSUMED, $metadata: { httpStatusCode: 200 } };
  });
  const stack = options.stack ?? {
    StackName: TARGET.stackName,
    StackStatus: 'CREATE_COMPLETE',
    Outputs: [{ OutputKey: 'TemplateVersion', OutputValue: '1.0.0' }],
  };
  cloudFormation.on(DescribeStacksCommand).callsFake(async () => {
    if (stack instanceof Error) throw stack;
    return { Stacks: [{ CreationTime: new Date(), ...stack }], $metadata: {} };
  });
  return {
    sts,
    cloudFormation,
    assumeRoleInputs: () => sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input),
    restore() {
      sts.restore();
      cloudFormation.restore();
    },
  };
}
