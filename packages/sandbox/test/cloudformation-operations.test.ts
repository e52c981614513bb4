import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  GetTemplateSummaryCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
  UpdateTerminationProtectionCommand,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock, Sandbox } from '../src/index';
import { LIST_STACKS_PAGE_SIZE } from '../src/stack-list';
import { send } from './raw-requests';
import {
  assumeAsVendor,
  clientsFor,
  createRoleStack,
  EXTERNAL_ID,
  rejectionOf,
  roleParameters,
  startOnManualClock,
} from './sandbox-clients';

const timing = { stackCreateMs: 1000, propagationMs: 2000, stackDeleteMs: 1500 };
let clock: ManualClock;
let sandbox: Sandbox;

beforeEach(async () => {
  ({ clock, sandbox } = await startOnManualClock({ timing }));
});
afterEach(() => sandbox.close());

function cfn() {
  return clientsFor(sandbox, sandbox.customerCredentials).cloudFormation;
}

async function statusOf(stackName: string) {
  return (await cfn().send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0]
    ?.StackStatus;
}

/** A template with one named role trusting the vendor, and a parameter for its name. */
function roleTemplate(options: { principal?: string; description?: string } = {}) {
  return JSON.stringify({
    Description: options.description ?? 'one role',
    Parameters: { Suffix: { Type: 'String', Default: 'one' } },
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: { 'Fn::Sub': 'op-${Suffix}' },
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: options.principal ?? sandbox.vendorPrincipalArn },
                Action: 'sts:AssumeRole',
              },
            ],
          },
        },
      },
      Topic: { Type: 'AWS::SNS::Topic' },
    },
    Outputs: { Arn: { Value: { 'Fn::GetAtt': 'Role.Arn' } } },
  });
}

async function createCompleted(stackName = 'Ops', body = roleTemplate()) {
  await cfn().send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: body,
      Capabilities: ['CAPABILITY_NAMED_IAM'],
    }),
  );
  clock.advance(timing.stackCreateMs);
}

describe('ListStacks', () => {
  it('lists live and deleted stacks with status filters', async () => {
    await createCompleted('Alive');
    await createCompleted('Gone', '{"Resources":{"T":{"Type":"AWS::SNS::Topic"}}}');
    await cfn().send(new DeleteStackCommand({ StackName: 'Gone' }));
    clock.advance(timing.stackDeleteMs);
    const all = await cfn().send(new ListStacksCommand({}));
    expect(all.StackSummaries?.map((stack) => [stack.StackName, stack.StackStatus])).toEqual([
      ['Gone', 'DELETE_COMPLETE'],
      ['Alive', 'CREATE_COMPLETE'],
    ]);
    expect(all.StackSummaries?.[0]?.DeletionTime).toBeInstanceOf(Date);
    const live = await cfn().send(
      new ListStacksCommand({ StackStatusFilter: ['CREATE_COMPLETE'] }),
    );
    expect(live.StackSummaries?.map((stack) => stack.StackName)).toEqual(['Alive']);
    const bad = await rejectionOf(
      cfn().send(new ListStacksCommand({ StackStatusFilter: ['HAPPY' as never] })),
    );
    expect(bad.name).toBe('ValidationError');
  });

  it(`pages with NextToken after ${LIST_STACKS_PAGE_SIZE} stacks, and refuses a bad token`, async () => {
    const count = LIST_STACKS_PAGE_SIZE + 5;
    for (let index = 0; index < count; index++) {
      await cfn().send(
        new CreateStackCommand({
          StackName: `Many-${index}`,
          TemplateBody: '{"Resources":{"T":{"Type":"AWS::SNS::Topic"}}}',
        }),
      );
      clock.advance(1);
    }
    const first = await cfn().send(new ListStacksCommand({}));
    expect(first.StackSummaries).toHaveLength(LIST_STACKS_PAGE_SIZE);
    expect(first.NextToken).toBeDefined();
    const second = await cfn().send(new ListStacksCommand({ NextToken: first.NextToken }));
    expect(second.StackSummaries).toHaveLength(5);
    expect(second.NextToken).toBeUndefined();
    const names = new Set(
      [...(first.StackSummaries ?? []), ...(second.StackSummaries ?? [])].map((s) => s.StackName),
    );
    expect(names.size).toBe(count);
    expect((await rejectionOf(cfn().send(new ListStacksCommand({ NextToken: 'nope' })))).name).toBe(
      'ValidationError',
    );
  });
});

describe('stack resources', () => {
  it('describes and lists the resources with their physical ids and statuses', async () => {
    await createCompleted();
    const listed = await cfn().send(new ListStackResourcesCommand({ StackName: 'Ops' }));
    expect(
      listed.StackResourceSummaries?.map((resource) => [
        resource.LogicalResourceId,
        resource.ResourceType,
        resource.ResourceStatus,
      ]),
    ).toEqual([
      ['Role', 'AWS::IAM::Role', 'CREATE_COMPLETE'],
      ['Topic', 'AWS::SNS::Topic', 'CREATE_COMPLETE'],
    ]);
    const described = await cfn().send(new DescribeStackResourcesCommand({ StackName: 'Ops' }));
    expect(
      described.StackResources?.find((r) => r.LogicalResourceId === 'Role')?.PhysicalResourceId,
    ).toBe('op-one');
    const byPhysical = await cfn().send(
      new DescribeStackResourcesCommand({ PhysicalResourceId: 'op-one' }),
    );
    expect(byPhysical.StackResources?.map((r) => r.LogicalResourceId)).toEqual(['Role']);
    const one = await cfn().send(
      new DescribeStackResourceCommand({ StackName: 'Ops', LogicalResourceId: 'Topic' }),
    );
    expect(one.StackResourceDetail?.PhysicalResourceId).toMatch(/^Ops-Topic-/);
    const missing = await rejectionOf(
      cfn().send(new DescribeStackResourceCommand({ StackName: 'Ops', LogicalResourceId: 'Nope' })),
    );
    expect(missing.message).toBe('Resource Nope does not exist for stack Ops');
  });
});

describe('templates', () => {
  it('GetTemplate gives the template as sent, YAML included', async () => {
    const yaml = 'Resources:\n  T:\n    Type: AWS::SNS::Topic\n';
    await createCompleted('Yaml', yaml);
    const got = await cfn().send(new GetTemplateCommand({ StackName: 'Yaml' }));
    expect(got.TemplateBody).toBe(yaml);
    expect(got.StagesAvailable).toEqual(['Original', 'Processed']);
  });

  it('GetTemplateSummary and ValidateTemplate describe parameters and capabilities', async () => {
    const summary = await cfn().send(
      new GetTemplateSummaryCommand({ TemplateURL: sandbox.templateUrl }),
    );
    expect(summary.Capabilities).toEqual(['CAPABILITY_NAMED_IAM']);
    expect(summary.CapabilitiesReason).toContain('AWS::IAM::Role');
    expect(summary.Parameters?.map((parameter) => parameter.ParameterKey).sort()).toEqual([
      'ExternalId',
      'TrustedPrincipalArn',
    ]);
    expect(summary.ResourceTypes).toContain('AWS::IAM::Role');
    const validated = await cfn().send(
      new ValidateTemplateCommand({ TemplateBody: roleTemplate() }),
    );
    expect(validated.Parameters).toEqual([
      { ParameterKey: 'Suffix', DefaultValue: 'one', NoEcho: false },
    ]);
    expect(validated.Description).toBe('one role');
    const broken = await rejectionOf(
      cfn().send(
        new ValidateTemplateCommand({
          TemplateBody:
            '{"Resources":{"A":{"Type":"AWS::SNS::Topic","Properties":{"X":{"Ref":"Nope"}}}}}',
        }),
      ),
    );
    expect(broken.message).toBe(
      'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template',
    );
  });
});

describe('UpdateStack', () => {
  it('updates with new parameters: UPDATE_IN_PROGRESS, then UPDATE_COMPLETE with the new role', async () => {
    await createCompleted();
    await cfn().send(
      new UpdateStackCommand({
        StackName: 'Ops',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'Suffix', ParameterValue: 'two' }],
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    expect(await statusOf('Ops')).toBe('UPDATE_IN_PROGRESS');
    clock.advance(timing.stackCreateMs);
    const stack = (await cfn().send(new DescribeStacksCommand({ StackName: 'Ops' }))).Stacks?.[0];
    expect(stack?.StackStatus).toBe('UPDATE_COMPLETE');
    expect(stack?.LastUpdatedTime).toBeInstanceOf(Date);
    expect(stack?.Outputs?.[0]?.OutputValue).toBe('arn:aws:iam::123456789012:role/op-two');
    const events =
      (await cfn().send(new DescribeStackEventsCommand({ StackName: 'Ops' }))).StackEvents ?? [];
    expect(events.map((event) => event.ResourceStatus)).toContain(
      'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
    );
    const topic = await cfn().send(
      new DescribeStackResourceCommand({ StackName: 'Ops', LogicalResourceId: 'Topic' }),
    );
    expect(topic.StackResourceDetail?.ResourceStatus).toBe('CREATE_COMPLETE');
  });

  it('says "No updates are to be performed." when nothing changes', async () => {
    await createCompleted();
    const error = await rejectionOf(
      cfn().send(
        new UpdateStackCommand({
          StackName: 'Ops',
          UsePreviousTemplate: true,
          Parameters: [{ ParameterKey: 'Suffix', UsePreviousValue: true }],
          Capabilities: ['CAPABILITY_NAMED_IAM'],
        }),
      ),
    );
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe('No updates are to be performed.');
  });

  it('rolls back to UPDATE_ROLLBACK_COMPLETE when the new template fails, keeping the old role assumable', async () => {
    await createRoleStack(sandbox);
    clock.advance(timing.stackCreateMs + timing.propagationMs);
    await cfn().send(
      new UpdateStackCommand({
        StackName: 'PorterRole',
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'ExternalId', UsePreviousValue: true },
          {
            ParameterKey: 'TrustedPrincipalArn',
            ParameterValue: 'arn:aws:iam::111122223333:user/nobody',
          },
        ],
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    clock.advance(timing.stackCreateMs);
    expect(await statusOf('PorterRole')).toBe('UPDATE_ROLLBACK_IN_PROGRESS');
    clock.advance(timing.stackDeleteMs);
    expect(await statusOf('PorterRole')).toBe('UPDATE_ROLLBACK_COMPLETE');
    const events =
      (await cfn().send(new DescribeStackEventsCommand({ StackName: 'PorterRole' }))).StackEvents ??
      [];
    expect(
      events.find((event) => event.ResourceStatus === 'UPDATE_FAILED')?.ResourceStatusReason,
    ).toContain('Invalid principal in policy');
    const assumed = await assumeAsVendor(sandbox, EXTERNAL_ID);
    expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it('refuses a stack that is still being created', async () => {
    await cfn().send(
      new CreateStackCommand({
        StackName: 'Busy',
        TemplateBody: roleTemplate(),
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    const error = await rejectionOf(
      cfn().send(
        new UpdateStackCommand({
          StackName: 'Busy',
          TemplateBody: roleTemplate({ description: 'x' }),
          Capabilities: ['CAPABILITY_NAMED_IAM'],
        }),
      ),
    );
    expect(error.message).toMatch(
      /^Stack:arn:aws:cloudformation:.* is in CREATE_IN_PROGRESS state and can not be updated\.$/,
    );
  });
});

describe('change sets', () => {
  it('CREATE change set: REVIEW_IN_PROGRESS stack, changes listed, executed into CREATE_COMPLETE', async () => {
    const created = await cfn().send(
      new CreateChangeSetCommand({
        StackName: 'ViaChangeSet',
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateURL: sandbox.templateUrl,
        Parameters: roleParameters(sandbox),
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    expect(created.Id).toMatch(/^arn:aws:cloudformation:us-east-1:123456789012:changeSet\/first\//);
    expect(await statusOf('ViaChangeSet')).toBe('REVIEW_IN_PROGRESS');
    const described = await cfn().send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
    expect(described).toMatchObject({ Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE' });
    expect(described.Changes?.[0]?.ResourceChange).toMatchObject({
      Action: 'Add',
      LogicalResourceId: 'PorterManagerRole',
      ResourceType: 'AWS::IAM::Role',
    });
    const listed = await cfn().send(new ListChangeSetsCommand({ StackName: 'ViaChangeSet' }));
    expect(listed.Summaries?.map((summary) => summary.ChangeSetName)).toEqual(['first']);
    await cfn().send(
      new ExecuteChangeSetCommand({ ChangeSetName: 'first', StackName: 'ViaChangeSet' }),
    );
    expect(await statusOf('ViaChangeSet')).toBe('CREATE_IN_PROGRESS');
    clock.advance(timing.stackCreateMs);
    expect(await statusOf('ViaChangeSet')).toBe('CREATE_COMPLETE');
    const again = await rejectionOf(
      cfn().send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id })),
    );
    expect(again.name).toBe('InvalidChangeSetStatusException');
  });

  it('UPDATE change set: Modify with replacement when the role is renamed; an unchanged one FAILS with the no-changes reason', async () => {
    await createCompleted();
    const rename = await cfn().send(
      new CreateChangeSetCommand({
        StackName: 'Ops',
        ChangeSetName: 'rename',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'Suffix', ParameterValue: 'two' }],
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    const described = await cfn().send(new DescribeChangeSetCommand({ ChangeSetName: rename.Id }));
    expect(described.Changes?.map((change) => change.ResourceChange)).toEqual([
      expect.objectContaining({
        Action: 'Modify',
        LogicalResourceId: 'Role',
        PhysicalResourceId: 'op-one',
        Replacement: 'True',
      }),
    ]);
    const same = await cfn().send(
      new CreateChangeSetCommand({
        StackName: 'Ops',
        ChangeSetName: 'same',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'Suffix', UsePreviousValue: true }],
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    const unchanged = await cfn().send(new DescribeChangeSetCommand({ ChangeSetName: same.Id }));
    expect(unchanged).toMatchObject({
      Status: 'FAILED',
      ExecutionStatus: 'UNAVAILABLE',
      StatusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
    });
    await cfn().send(new DeleteChangeSetCommand({ ChangeSetName: 'same', StackName: 'Ops' }));
    const gone = await rejectionOf(
      cfn().send(new DescribeChangeSetCommand({ ChangeSetName: same.Id })),
    );
    expect(gone.name).toBe('ChangeSetNotFoundException');
    expect(gone.$metadata.httpStatusCode).toBe(404);
    await cfn().send(new ExecuteChangeSetCommand({ ChangeSetName: rename.Id }));
    clock.advance(timing.stackCreateMs);
    const stack = (await cfn().send(new DescribeStacksCommand({ StackName: 'Ops' }))).Stacks?.[0];
    expect(stack?.StackStatus).toBe('UPDATE_COMPLETE');
    expect(stack?.Outputs?.[0]?.OutputValue).toBe('arn:aws:iam::123456789012:role/op-two');
  });

  it('refuses a CREATE change set for a stack that exists, and an UPDATE one for a stack that does not or cannot be updated', async () => {
    await createCompleted();
    const exists = await rejectionOf(
      cfn().send(
        new CreateChangeSetCommand({
          StackName: 'Ops',
          ChangeSetName: 'c',
          ChangeSetType: 'CREATE',
          TemplateBody: roleTemplate(),
          Capabilities: ['CAPABILITY_NAMED_IAM'],
        }),
      ),
    );
    expect(exists.name).toBe('AlreadyExistsException');
    const missing = await rejectionOf(
      cfn().send(
        new CreateChangeSetCommand({
          StackName: 'Nope',
          ChangeSetName: 'u',
          TemplateBody: roleTemplate(),
          Capabilities: ['CAPABILITY_NAMED_IAM'],
        }),
      ),
    );
    expect(missing.message).toBe('Stack [Nope] does not exist');
    await cfn().send(
      new CreateStackCommand({
        StackName: 'Failed',
        TemplateBody: roleTemplate({ principal: 'arn:aws:iam::111122223333:user/nobody' }),
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    clock.advance(timing.stackCreateMs + timing.stackDeleteMs);
    const rolledBack = await rejectionOf(
      cfn().send(
        new CreateChangeSetCommand({
          StackName: 'Failed',
          ChangeSetName: 'u',
          TemplateBody: roleTemplate(),
          Capabilities: ['CAPABILITY_NAMED_IAM'],
        }),
      ),
    );
    expect(rolledBack.message).toMatch(/is in ROLLBACK_COMPLETE state and can not be updated\.$/);
  });
});

describe('termination protection', () => {
  it('refuses DeleteStack while protected, and deletes once it is turned off', async () => {
    await createCompleted();
    await cfn().send(
      new UpdateTerminationProtectionCommand({
        StackName: 'Ops',
        EnableTerminationProtection: true,
      }),
    );
    expect(
      (await cfn().send(new DescribeStacksCommand({ StackName: 'Ops' }))).Stacks?.[0]
        ?.EnableTerminationProtection,
    ).toBe(true);
    const refused = await rejectionOf(cfn().send(new DeleteStackCommand({ StackName: 'Ops' })));
    expect(refused.name).toBe('ValidationError');
    expect(refused.message).toBe(
      'Stack [Ops] cannot be deleted while TerminationProtection is enabled',
    );
    const customerRefused = await sandbox.customer
      .deleteStack('Ops')
      .catch((error: unknown) => error);
    expect(customerRefused).toMatchObject({ code: 'DELETE_REFUSED' });
    const consoleRefused = await send(sandbox.consoleBaseUrl, {
      method: 'POST',
      path: '/cloudformation/home/stacks/delete',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'region=us-east-1&stackId=Ops',
    });
    expect(consoleRefused.status).toBe(400);
    expect(consoleRefused.body).toContain(
      'cannot be deleted while TerminationProtection is enabled',
    );
    await cfn().send(
      new UpdateTerminationProtectionCommand({
        StackName: 'Ops',
        EnableTerminationProtection: false,
      }),
    );
    await cfn().send(new DeleteStackCommand({ StackName: 'Ops' }));
    expect(await statusOf('Ops')).toBe('DELETE_IN_PROGRESS');
  });
});

describe('any sequence of stack operations (property)', () => {
  const names = ['A', 'B'];
  const templates = [
    roleTemplateFor('seq-one'),
    roleTemplateFor('seq-two'),
    '{"Resources":{"T":{"Type":"AWS::SNS::Topic"}}}',
    'Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties: { TopicName: !Ref AWS::StackName }\n',
  ];
  function roleTemplateFor(roleName: string) {
    return JSON.stringify({
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: roleName,
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' },
              ],
            },
          },
        },
      },
    });
  }
  const name = fc.constantFrom(...names);
  const body = fc.constantFrom(...templates);
  const step = fc.oneof(
    fc.record({ op: fc.constant('create' as const), name, body }),
    fc.record({ op: fc.constant('update' as const), name, body }),
    fc.record({ op: fc.constant('changeSet' as const), name, body, create: fc.boolean() }),
    fc.record({ op: fc.constant('execute' as const), name }),
    fc.record({ op: fc.constant('delete' as const), name }),
    fc.record({ op: fc.constant('protect' as const), name, on: fc.boolean() }),
    fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
  );

  it('answers every call with success or a 4xx AWS error, and DescribeStacks stays consistent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 12 }), async (steps) => {
        const { clock: local, sandbox: box } = await startOnManualClock({ timing });
        const client = clientsFor(box, box.customerCredentials).cloudFormation;
        const capabilities = ['CAPABILITY_NAMED_IAM' as const];
        let counter = 0;
        try {
          for (const current of steps) {
            let call: Promise<unknown>;
            switch (current.op) {
              case 'create':
                call = client.send(
                  new CreateStackCommand({
                    StackName: current.name,
                    TemplateBody: current.body,
                    Capabilities: capabilities,
                  }),
                );
                break;
              case 'update':
                call = client.send(
                  new UpdateStackCommand({
                    StackName: current.name,
                    TemplateBody: current.body,
                    Capabilities: capabilities,
                  }),
                );
                break;
              case 'changeSet':
                call = client.send(
                  new CreateChangeSetCommand({
                    StackName: current.name,
                    ChangeSetName: `cs${counter++}`,
                    ChangeSetType: current.create ? 'CREATE' : 'UPDATE',
                    TemplateBody: current.body,
                    Capabilities: capabilities,
                  }),
                );
                break;
              case 'execute':
                call = client.send(
                  new ExecuteChangeSetCommand({
                    StackName: current.name,
                    ChangeSetName: `cs${counter - 1}`,
                  }),
                );
                break;
              case 'delete':
                call = client.send(new DeleteStackCommand({ StackName: current.name }));
                break;
              case 'protect':
                call = client.send(
                  new UpdateTerminationProtectionCommand({
                    StackName: current.name,
                    EnableTerminationProtection: current.on,
                  }),
                );
                break;
              case 'wait':
                local.advance(current.ms);
                call = Promise.resolve();
                break;
            }
            const outcome = await call.then(
              () => 200,
              (error: { $metadata?: { httpStatusCode?: number } }) =>
                error.$metadata?.httpStatusCode ?? 0,
            );
            expect(outcome === 200 || (outcome >= 400 && outcome < 500)).toBe(true);
          }
          const { StackSummaries = [] } = await client.send(new ListStacksCommand({}));
          for (const summary of StackSummaries) {
            const { Stacks = [] } = await client.send(
              new DescribeStacksCommand({ StackName: summary.StackId }),
            );
            expect(Stacks[0]?.StackStatus).toBe(summary.StackStatus);
          }
        } finally {
          await box.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
