import { DescribeStackEventsCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { quickCreateUrl } from '@porter/cloud-connect';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ManualClock,
  type Sandbox,
  SandboxCustomerError,
  type SandboxScenario,
  startSandbox,
} from '../src/index';
import { send } from './raw-requests';
import {
  assumeAsVendor,
  clientsFor,
  EXTERNAL_ID,
  rejectionOf,
  startOnManualClock,
} from './sandbox-clients';

const timing = { stackCreateMs: 1000, propagationMs: 2000, stackDeleteMs: 1500 };
let clock: ManualClock;
let sandbox: Sandbox;

async function start(scenario: SandboxScenario = 'normal') {
  ({ clock, sandbox } = await startOnManualClock({ timing, scenario }));
}
afterEach(() => sandbox.close());

function link(options: { region?: string; parameters?: Record<string, string> } = {}): string {
  const result = quickCreateUrl({
    region: options.region ?? 'us-east-1',
    templateUrl: sandbox.templateUrl,
    stackName: 'PorterRole',
    parameters: {
      ExternalId: EXTERNAL_ID,
      TrustedPrincipalArn: sandbox.vendorPrincipalArn,
      ...options.parameters,
    },
    consoleBaseUrl: sandbox.consoleBaseUrl,
    allowedTemplateOrigins: [sandbox.url],
  });
  if (!result.ok) throw new Error(result.message);
  return result.url;
}

async function failureOf(promise: Promise<unknown>): Promise<SandboxCustomerError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail, but it succeeded');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SandboxCustomerError);
  return error as SandboxCustomerError;
}

async function describeAsCustomer(stackName: string, region = 'us-east-1') {
  const { cloudFormation } = clientsFor(sandbox, sandbox.customerCredentials, region);
  return (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName })))
    .Stacks?.[0];
}

describe('sandbox.customer.createStack', () => {
  it("follows core's quick-create link: the stack is accepted with the link's name and parameters, and completes", async () => {
    await start();
    const created = await sandbox.customer.createStack(
      link({ parameters: { ExternalId: 'a+b/c=d@e:f' } }),
    );
    expect(created.stackName).toBe('PorterRole');
    expect(created.stackId).toMatch(
      /^arn:aws:cloudformation:us-east-1:123456789012:stack\/PorterRole\//,
    );
    const stack = await describeAsCustomer('PorterRole');
    expect(stack?.StackId).toBe(created.stackId);
    expect(stack?.StackStatus).toBe('CREATE_IN_PROGRESS');
    expect(stack?.Parameters).toContainEqual({
      ParameterKey: 'ExternalId',
      ParameterValue: 'a+b/c=d@e:f',
    });

    const completed = sandbox.customer.waitForStack('PorterRole', 'CREATE_COMPLETE');
    clock.advance(timing.stackCreateMs);
    await expect(completed).resolves.toBe('CREATE_COMPLETE');
    clock.advance(timing.propagationMs);
    const assumed = await assumeAsVendor(sandbox, 'a+b/c=d@e:f');
    expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it('creates the stack in the region the link names', async () => {
    await start();
    await sandbox.customer.createStack(link({ region: 'eu-west-1' }));
    expect((await describeAsCustomer('PorterRole', 'eu-west-1'))?.StackStatus).toBe(
      'CREATE_IN_PROGRESS',
    );
    expect((await rejectionOf(describeAsCustomer('PorterRole'))).name).toBe('ValidationError');
  });

  it('takes another stack name, as a person editing the field would', async () => {
    await start();
    const created = await sandbox.customer.createStack(link(), { stackName: 'PorterRole-2' });
    expect(created.stackName).toBe('PorterRole-2');
    expect((await describeAsCustomer('PorterRole-2'))?.StackId).toBe(created.stackId);
  });

  it('is refused on the acknowledge field when the IAM box is left unticked, and nothing is created', async () => {
    await start();
    const error = await failureOf(sandbox.customer.createStack(link(), { acknowledgeIam: false }));
    expect(error.code).toBe('CREATE_REFUSED');
    expect(error.field).toBe('acknowledge');
    expect(error.message).toContain('IAM resources with custom names');
    expect((await rejectionOf(describeAsCustomer('PorterRole'))).name).toBe('ValidationError');
  });

  it("is refused with CloudFormation's code when the stack already exists or a parameter breaks its constraint", async () => {
    await start();
    await sandbox.customer.createStack(link());
    const twice = await failureOf(sandbox.customer.createStack(link()));
    expect(twice).toMatchObject({
      code: 'CREATE_REFUSED',
      awsCode: 'AlreadyExistsException',
      field: 'stackName',
      message: 'Stack [PorterRole] already exists',
    });
    const badParameter = await failureOf(
      sandbox.customer.createStack(link({ parameters: { ExternalId: 'x' } }), {
        stackName: 'Other',
      }),
    );
    expect(badParameter).toMatchObject({
      code: 'CREATE_REFUSED',
      awsCode: 'ValidationError',
      field: 'param_ExternalId',
    });
  });

  it("refuses links that are not a quick-create link of this sandbox's console", async () => {
    await start();
    const awsConsole = quickCreateUrl({
      region: 'us-east-1',
      templateUrl: 'https://porter-templates.s3.amazonaws.com/role.json',
      stackName: 'PorterRole',
      parameters: {},
    });
    if (!awsConsole.ok) throw new Error(awsConsole.message);
    for (const notALink of [
      'not a url',
      awsConsole.url,
      `${sandbox.consoleBaseUrl}/cloudformation/home?region=us-east-1#/stacks?filteringText=x`,
      `${sandbox.consoleBaseUrl}/elsewhere#/stacks/quickcreate?stackName=x`,
    ]) {
      const error = await failureOf(sandbox.customer.createStack(notALink));
      expect(error.code).toBe('NOT_A_QUICK_CREATE_LINK');
    }
  });

  it('acts in the account the console is signed in to', async () => {
    await start();
    await send(sandbox.consoleBaseUrl, {
      method: 'POST',
      path: '/cloudformation/home/account',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'accountId=210987654321',
    });
    const created = await sandbox.customer.createStack(link());
    expect(created.stackId).toContain(':210987654321:stack/PorterRole/');
    expect((await rejectionOf(describeAsCustomer('PorterRole'))).name).toBe('ValidationError');
  });
});

describe('sandbox.customer.deleteStack and waitForStack', () => {
  it('deletes the stack; waiting on its id sees DELETE_COMPLETE and the role is gone', async () => {
    await start();
    const created = await sandbox.customer.createStack(link());
    clock.advance(timing.stackCreateMs + timing.propagationMs);
    await expect(sandbox.customer.deleteStack('PorterRole')).resolves.toEqual(created);
    const deleted = sandbox.customer.waitForStack(created.stackId, 'DELETE_COMPLETE');
    clock.advance(timing.stackDeleteMs);
    await expect(deleted).resolves.toBe('DELETE_COMPLETE');
    expect((await rejectionOf(assumeAsVendor(sandbox))).name).toBe('AccessDenied');
    // By name, a deleted stack is still found (the newest one of that name).
    await expect(sandbox.customer.waitForStack('PorterRole', 'DELETE_COMPLETE')).resolves.toBe(
      'DELETE_COMPLETE',
    );
  });

  it('resolves undefined for a stack that does not exist, as DeleteStack does on AWS', async () => {
    await start();
    await expect(sandbox.customer.deleteStack('Nothing')).resolves.toBeUndefined();
  });

  it('rejects with the status and reason when the stack rolls back instead of completing', async () => {
    await start('rollback');
    await sandbox.customer.createStack(link());
    const waiting = sandbox.customer.waitForStack('PorterRole', 'CREATE_COMPLETE');
    clock.advance(timing.stackCreateMs + timing.stackDeleteMs);
    const error = await failureOf(waiting);
    expect(error.code).toBe('UNEXPECTED_STACK_STATUS');
    expect(error.stackStatus).toBe('ROLLBACK_COMPLETE');
    expect(error.message).toContain('failed to create: [PorterManagerRole]');
    // The console's person is the customer's IAM user: IAM's refusal names them.
    const { cloudFormation } = clientsFor(sandbox, sandbox.customerCredentials);
    const { StackEvents = [] } = await cloudFormation.send(
      new DescribeStackEventsCommand({ StackName: 'PorterRole' }),
    );
    expect(
      StackEvents.find((event) => event.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason,
    ).toContain('User: arn:aws:iam::123456789012:user/sandbox-customer is not authorized');
  });

  it('names STACK_NOT_FOUND, WAIT_TIMEOUT and SANDBOX_CLOSED', async () => {
    await start();
    expect(
      (await failureOf(sandbox.customer.waitForStack('Nothing', 'CREATE_COMPLETE'))).code,
    ).toBe('STACK_NOT_FOUND');
    await sandbox.customer.createStack(link());
    const timedOut = await failureOf(
      sandbox.customer.waitForStack('PorterRole', 'CREATE_COMPLETE', { timeoutMs: 30 }),
    );
    expect(timedOut).toMatchObject({ code: 'WAIT_TIMEOUT', stackStatus: 'CREATE_IN_PROGRESS' });
    const waiting = sandbox.customer.waitForStack('PorterRole', 'CREATE_COMPLETE');
    await sandbox.close();
    expect((await failureOf(waiting)).code).toBe('SANDBOX_CLOSED');
  });

  it('works on the wall clock too, without a manual clock', async () => {
    sandbox = await startSandbox({ timing: { stackCreateMs: 30, propagationMs: 0 } });
    await sandbox.customer.createStack(link());
    await expect(
      sandbox.customer.waitForStack('PorterRole', ['CREATE_COMPLETE', 'ROLLBACK_COMPLETE']),
    ).resolves.toBe('CREATE_COMPLETE');
  });
});
