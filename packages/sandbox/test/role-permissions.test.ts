import {
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudFormationTemplate, ManualClock, Sandbox } from '../src/index';
import { isAllowedByPolicies } from '../src/permission-policy';
import { MalformedPolicyError, parsePolicyDocument } from '../src/trust-policy';
import {
  assumeAsVendor,
  clientsFor,
  createRoleStack,
  rejectionOf,
  startOnManualClock,
} from './sandbox-clients';

// A role template that lets the role read its own stack and nothing else.
const READ_OWN_STACK: CloudFormationTemplate = {
  Parameters: {
    ExternalId: { Type: 'String' },
    TrustedPrincipalArn: { Type: 'String' },
  },
  Resources: {
    PorterManagerRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: 'porter-manager',
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: { Ref: 'TrustedPrincipalArn' } },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'read-own-stack',
            PolicyDocument: {
              Statement: [
                {
                  Effect: 'Allow',
                  Action: 'cloudformation:DescribeStacks',
                  Resource: {
                    'Fn::Sub':
                      'arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stack/PorterRole/*',
                  },
                },
              ],
            },
          },
        ],
      },
    },
  },
};

const timing = { stackCreateMs: 1000, propagationMs: 1000, stackDeleteMs: 1000 };
let clock: ManualClock;
let sandbox: Sandbox;
afterEach(() => sandbox.close());

async function roleSession() {
  await createRoleStack(sandbox);
  clock.advance(timing.stackCreateMs + timing.propagationMs);
  const assumed = await assumeAsVendor(sandbox);
  return clientsFor(sandbox, {
    accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
    secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
    sessionToken: assumed.Credentials?.SessionToken ?? '',
  });
}

describe('enforceRolePermissions', () => {
  it('allows the role exactly what its policies grant, on the resources they name', async () => {
    ({ clock, sandbox } = await startOnManualClock({
      timing,
      template: READ_OWN_STACK,
      enforceRolePermissions: true,
    }));
    const { cloudFormation, sts } = await roleSession();
    const described = await cloudFormation.send(
      new DescribeStacksCommand({ StackName: 'PorterRole' }),
    );
    expect(described.Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
    await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();

    const events = await rejectionOf(
      cloudFormation.send(new DescribeStackEventsCommand({ StackName: 'PorterRole' })),
    );
    expect(events.name).toBe('AccessDenied');
    expect(events.$metadata.httpStatusCode).toBe(403);
    expect(events.message).toMatch(
      /^User: arn:aws:sts::123456789012:assumed-role\/porter-manager\/cloud-connect-check is not authorized to perform: cloudformation:DescribeStackEvents on resource: arn:aws:cloudformation:us-east-1:123456789012:stack\/PorterRole\/\* because no identity-based policy allows/,
    );
    const listing = await rejectionOf(cloudFormation.send(new DescribeStacksCommand({})));
    expect(listing.name).toBe('AccessDenied');
  });

  it('refuses everything to sessions of a role that has been deleted', async () => {
    ({ clock, sandbox } = await startOnManualClock({
      timing,
      template: READ_OWN_STACK,
      enforceRolePermissions: true,
    }));
    const { cloudFormation } = await roleSession();
    const customer = clientsFor(sandbox, sandbox.customerCredentials).cloudFormation;
    await customer.send(new DeleteStackCommand({ StackName: 'PorterRole' }));
    clock.advance(timing.stackDeleteMs);
    const error = await rejectionOf(
      cloudFormation.send(new DescribeStacksCommand({ StackName: 'PorterRole' })),
    );
    expect(error.name).toBe('AccessDenied');
  });

  it("is on by default, and core's template lets the role read its own stack and nothing more", async () => {
    ({ clock, sandbox } = await startOnManualClock({ timing }));
    const { cloudFormation } = await roleSession();
    const described = await cloudFormation.send(
      new DescribeStacksCommand({ StackName: 'PorterRole' }),
    );
    expect(described.Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
    const events = await rejectionOf(
      cloudFormation.send(new DescribeStackEventsCommand({ StackName: 'PorterRole' })),
    );
    expect(events.name).toBe('AccessDenied');
  });
});

describe('isAllowedByPolicies', () => {
  const allow = (statement: Record<string, unknown>) =>
    parsePolicyDocument({ Statement: [{ Effect: 'Allow', ...statement }] }, 'permission');
  const call = {
    action: 'eks:DescribeCluster',
    resource: 'arn:aws:eks:us-east-1:123456789012:cluster/porter-a',
    context: {},
  };

  it('matches actions and resources with wildcards, and lets a Deny win', () => {
    expect(
      isAllowedByPolicies(
        [
          allow({
            Action: 'eks:Describe*',
            Resource: 'arn:aws:eks:*:123456789012:cluster/porter-*',
          }),
        ],
        call,
      ),
    ).toBe(true);
    expect(
      isAllowedByPolicies(
        [
          allow({
            Action: 'eks:Describe*',
            Resource: 'arn:aws:eks:*:123456789012:cluster/other-*',
          }),
        ],
        call,
      ),
    ).toBe(false);
    expect(isAllowedByPolicies([allow({ NotAction: 'eks:Delete*', Resource: '*' })], call)).toBe(
      true,
    );
    const deny = parsePolicyDocument(
      { Statement: { Effect: 'Deny', Action: '*', Resource: '*' } },
      'permission',
    );
    expect(isAllowedByPolicies([allow({ Action: '*', Resource: '*' }), deny], call)).toBe(false);
    expect(isAllowedByPolicies([], call)).toBe(false);
  });

  it('applies conditions to the request context', () => {
    const policy = allow({
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
    });
    expect(
      isAllowedByPolicies([policy], { ...call, context: { 'aws:RequestedRegion': 'us-east-1' } }),
    ).toBe(true);
    expect(
      isAllowedByPolicies([policy], { ...call, context: { 'aws:RequestedRegion': 'eu-west-1' } }),
    ).toBe(false);
  });

  it('refuses permission policies that name a principal or no resource', () => {
    expect(() =>
      parsePolicyDocument(
        { Statement: { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' } },
        'permission',
      ),
    ).toThrow(MalformedPolicyError);
    expect(() =>
      parsePolicyDocument({ Statement: { Effect: 'Allow', Action: '*' } }, 'permission'),
    ).toThrow('Policy statement must contain resources.');
  });
});
