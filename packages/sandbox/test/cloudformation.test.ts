import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { TEMPLATE_VERSION } from '@porter/cloud-connect/template';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock, Sandbox } from '../src/index';
import {
  assumeAsVendor,
  clientsFor,
  createRoleStack,
  customerRoleArn,
  rejectionOf,
  roleParameters,
  startOnManualClock,
} from './sandbox-clients';

let clock: ManualClock;
let sandbox: Sandbox;
const timing = { stackCreateMs: 1000, propagationMs: 2000, stackDeleteMs: 1500 };

beforeEach(async () => {
  ({ clock, sandbox } = await startOnManualClock({ timing }));
});
afterEach(() => sandbox.close());

function customer() {
  return clientsFor(sandbox, sandbox.customerCredentials).cloudFormation;
}

async function stackStatus(name = 'PorterRole') {
  const described = await customer().send(new DescribeStacksCommand({ StackName: name }));
  return described.Stacks?.[0];
}

describe('CloudFormation CreateStack and DescribeStacks', () => {
  it('creates the stack from the served template: CREATE_IN_PROGRESS, then CREATE_COMPLETE with outputs', async () => {
    const created = await createRoleStack(sandbox);
    expect(created.StackId).toMatch(
      new RegExp(
        `^arn:aws:cloudformation:us-east-1:${sandbox.customerAccountId}:stack/PorterRole/[0-9a-f-]{36}$`,
      ),
    );
    const creating = await stackStatus();
    expect(creating?.StackStatus).toBe('CREATE_IN_PROGRESS');
    expect(creating?.Outputs).toBeUndefined();
    expect(creating?.Parameters).toContainEqual({
      ParameterKey: 'ExternalId',
      ParameterValue: 'porter-external-id-1234',
    });
    expect(creating?.Capabilities).toEqual(['CAPABILITY_NAMED_IAM']);

    clock.advance(timing.stackCreateMs);
    const complete = await stackStatus();
    expect(complete?.StackStatus).toBe('CREATE_COMPLETE');
    expect(complete?.CreationTime).toBeInstanceOf(Date);
    const outputs = Object.fromEntries(
      (complete?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]),
    );
    expect(outputs).toEqual({
      RoleArn: customerRoleArn(sandbox),
      TemplateVersion: TEMPLATE_VERSION,
    });
  });

  it('refuses a second stack with the same name with AlreadyExistsException', async () => {
    await createRoleStack(sandbox);
    const error = await rejectionOf(createRoleStack(sandbox));
    expect(error.name).toBe('AlreadyExistsException');
    expect(error.message).toBe('Stack [PorterRole] already exists');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('refuses a template with a named role unless CAPABILITY_NAMED_IAM is acknowledged', async () => {
    const error = await rejectionOf(
      customer().send(
        new CreateStackCommand({
          StackName: 'PorterRole',
          TemplateURL: sandbox.templateUrl,
          Parameters: roleParameters(sandbox),
        }),
      ),
    );
    expect(error.name).toBe('InsufficientCapabilitiesException');
    expect(error.message).toBe('Requires capabilities : [CAPABILITY_NAMED_IAM]');
  });

  it("refuses an ExternalId that breaks the template's constraints, creating no stack", async () => {
    const error = await rejectionOf(createRoleStack(sandbox, { externalId: 'has spaces' }));
    expect(error.name).toBe('ValidationError');
    expect(error.message).toMatch(/^Parameter 'ExternalId'/);
    const missing = await rejectionOf(stackStatus());
    expect(missing.message).toBe('Stack with id PorterRole does not exist');
  });

  it('refuses template URLs it does not serve, as AWS refuses non-S3 URLs', async () => {
    const error = await rejectionOf(
      customer().send(
        new CreateStackCommand({
          StackName: 'PorterRole',
          TemplateURL: 'https://example.com/template.json',
          Capabilities: ['CAPABILITY_NAMED_IAM'],
        }),
      ),
    );
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe('TemplateURL must be a supported URL.');
  });

  it('evaluates a TemplateBody and refuses a malformed one with a template format error', async () => {
    const body = JSON.stringify({
      Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
      Outputs: { Where: { Value: { 'Fn::Sub': '${AWS::Region}/${AWS::StackName}' } } },
    });
    await customer().send(new CreateStackCommand({ StackName: 'Plain', TemplateBody: body }));
    clock.advance(timing.stackCreateMs);
    expect((await stackStatus('Plain'))?.Outputs).toEqual([
      { OutputKey: 'Where', OutputValue: 'us-east-1/Plain' },
    ]);

    const error = await rejectionOf(
      customer().send(
        new CreateStackCommand({ StackName: 'Broken', TemplateBody: '{"Resources": {}}' }),
      ),
    );
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe(
      'Template format error: At least one Resources member must be defined.',
    );
  });

  it('refuses a request body over the size limit with RequestEntityTooLarge (413)', async () => {
    const huge = JSON.stringify({
      Resources: { T: { Type: 'AWS::SNS::Topic' } },
      Description: 'x'.repeat(300 * 1024),
    });
    const error = await rejectionOf(
      customer().send(new CreateStackCommand({ StackName: 'Huge', TemplateBody: huge })),
    );
    expect(error.name).toBe('RequestEntityTooLarge');
    expect(error.$metadata.httpStatusCode).toBe(413);
  });

  it('answers DescribeStacks for an unknown stack with ValidationError', async () => {
    const error = await rejectionOf(stackStatus('Nope'));
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe('Stack with id Nope does not exist');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('lists only the caller account and region: the vendor sees no customer stack', async () => {
    await createRoleStack(sandbox);
    const vendor = clientsFor(sandbox, sandbox.vendorCredentials).cloudFormation;
    const listed = await vendor.send(new DescribeStacksCommand({}));
    expect(listed.Stacks ?? []).toEqual([]);
    const otherRegion = clientsFor(
      sandbox,
      sandbox.customerCredentials,
      'eu-west-1',
    ).cloudFormation;
    expect((await otherRegion.send(new DescribeStacksCommand({}))).Stacks ?? []).toEqual([]);
    expect((await customer().send(new DescribeStacksCommand({}))).Stacks).toHaveLength(1);
  });

  it('lets the assumed role read the stack in its own account', async () => {
    await createRoleStack(sandbox);
    clock.advance(timing.stackCreateMs + timing.propagationMs);
    const assumed = await assumeAsVendor(sandbox);
    const asRole = clientsFor(sandbox, {
      accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
      secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
      sessionToken: assumed.Credentials?.SessionToken ?? '',
    }).cloudFormation;
    const described = await asRole.send(new DescribeStacksCommand({ StackName: 'PorterRole' }));
    expect(described.Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
  });
});

describe('CloudFormation creation failures IAM decides', () => {
  it('rolls back when the trusted principal does not exist, as IAM refuses the trust policy', async () => {
    const { StackId } = await customer().send(
      new CreateStackCommand({
        StackName: 'PorterRole',
        TemplateURL: sandbox.templateUrl,
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        Parameters: [
          { ParameterKey: 'ExternalId', ParameterValue: 'abc123' },
          {
            ParameterKey: 'TrustedPrincipalArn',
            ParameterValue: 'arn:aws:iam::111122223333:user/nobody',
          },
        ],
      }),
    );
    clock.advance(timing.stackCreateMs + timing.stackDeleteMs);
    expect((await stackStatus())?.StackStatus).toBe('ROLLBACK_COMPLETE');
    const { StackEvents = [] } = await customer().send(
      new DescribeStackEventsCommand({ StackName: StackId }),
    );
    const failed = StackEvents.find((event) => event.ResourceStatus === 'CREATE_FAILED');
    expect(failed?.ResourceStatusReason).toContain(
      'Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:user/nobody"',
    );
  });

  it('rolls back a second stack that would create the same named role', async () => {
    await createRoleStack(sandbox);
    clock.advance(timing.stackCreateMs);
    await createRoleStack(sandbox, { stackName: 'PorterRoleAgain' });
    clock.advance(timing.stackCreateMs + timing.stackDeleteMs);
    const again = await stackStatus('PorterRoleAgain');
    expect(again?.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect((await stackStatus())?.StackStatus).toBe('CREATE_COMPLETE');
  });
});

describe('CloudFormation DeleteStack and DescribeStackEvents', () => {
  it('deletes the stack and its role after stackDeleteMs; AssumeRole fails from then on', async () => {
    const { StackId } = await createRoleStack(sandbox);
    clock.advance(timing.stackCreateMs + timing.propagationMs);
    await expect(assumeAsVendor(sandbox)).resolves.toBeDefined();

    await customer().send(new DeleteStackCommand({ StackName: 'PorterRole' }));
    expect((await stackStatus())?.StackStatus).toBe('DELETE_IN_PROGRESS');
    await expect(assumeAsVendor(sandbox)).resolves.toBeDefined();

    clock.advance(timing.stackDeleteMs);
    expect((await rejectionOf(assumeAsVendor(sandbox))).name).toBe('AccessDenied');
    expect((await rejectionOf(stackStatus())).name).toBe('ValidationError');
    const byId = await customer().send(new DescribeStacksCommand({ StackName: StackId }));
    expect(byId.Stacks?.[0]?.StackStatus).toBe('DELETE_COMPLETE');
    expect(byId.Stacks?.[0]?.DeletionTime).toBeInstanceOf(Date);
  });

  it('accepts deleting a stack that does not exist, as AWS does', async () => {
    const deleted = await customer().send(new DeleteStackCommand({ StackName: 'Nope' }));
    expect(deleted.$metadata.httpStatusCode).toBe(200);
  });

  it('records the stack and resource events, newest first', async () => {
    const { StackId } = await createRoleStack(sandbox);
    clock.advance(timing.stackCreateMs);
    await customer().send(new DeleteStackCommand({ StackName: 'PorterRole' }));
    clock.advance(timing.stackDeleteMs);
    const { StackEvents = [] } = await customer().send(
      new DescribeStackEventsCommand({ StackName: StackId }),
    );
    const summary = StackEvents.map(
      (event) => `${event.LogicalResourceId} ${event.ResourceStatus}`,
    );
    expect(summary).toEqual([
      'PorterRole DELETE_COMPLETE',
      'PorterManagerRole DELETE_COMPLETE',
      'PorterManagerRole DELETE_IN_PROGRESS',
      'PorterRole DELETE_IN_PROGRESS',
      'PorterRole CREATE_COMPLETE',
      'PorterManagerRole CREATE_COMPLETE',
      'PorterManagerRole CREATE_IN_PROGRESS',
      'PorterManagerRole CREATE_IN_PROGRESS',
      'PorterRole CREATE_IN_PROGRESS',
    ]);
    expect(StackEvents.at(-1)?.ResourceStatusReason).toBe('User Initiated');
    expect(StackEvents[0]?.Timestamp?.getTime()).toBe(clock.now());
  });

  it('answers DescribeStackEvents for an unknown stack with ValidationError', async () => {
    const error = await rejectionOf(
      customer().send(new DescribeStackEventsCommand({ StackName: 'Nope' })),
    );
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe('Stack [Nope] does not exist');
  });
});
