import {
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { type ManualClock, type Sandbox, type SandboxScenario, startSandbox } from '../src/index';
import { send } from './raw-requests';
import {
  assumeAsVendor,
  clientsFor,
  createRoleStack,
  customerRoleArn,
  rejectionOf,
  startOnManualClock,
} from './sandbox-clients';

const timing = {
  stackCreateMs: 1000,
  propagationMs: 2000,
  stackDeleteMs: 1500,
  slowPropagationMs: 30_000,
};
let clock: ManualClock;
let sandbox: Sandbox;

async function start(scenario?: SandboxScenario, throttleEvery?: number) {
  ({ clock, sandbox } = await startOnManualClock({
    timing,
    ...(scenario && { scenario }),
    ...(throttleEvery && { throttleEvery }),
  }));
}
afterEach(() => sandbox.close());

function customer() {
  return clientsFor(sandbox, sandbox.customerCredentials).cloudFormation;
}

describe('rollback', () => {
  it('fails the creation, rolls back to ROLLBACK_COMPLETE with a reason, and no role exists', async () => {
    await start('rollback');
    const { StackId } = await createRoleStack(sandbox);
    clock.advance(timing.stackCreateMs);
    const rollingBack = (
      await customer().send(new DescribeStacksCommand({ StackName: 'PorterRole' }))
    ).Stacks?.[0];
    expect(rollingBack?.StackStatus).toBe('ROLLBACK_IN_PROGRESS');
    clock.advance(timing.stackDeleteMs);
    const rolledBack = (
      await customer().send(new DescribeStacksCommand({ StackName: 'PorterRole' }))
    ).Stacks?.[0];
    expect(rolledBack?.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect(rolledBack?.StackStatusReason).toBe(
      'The following resource(s) failed to create: [PorterManagerRole]. Rollback requested by user.',
    );
    const { StackEvents = [] } = await customer().send(
      new DescribeStackEventsCommand({ StackName: StackId }),
    );
    const failed = StackEvents.find((event) => event.ResourceStatus === 'CREATE_FAILED');
    expect(failed?.LogicalResourceId).toBe('PorterManagerRole');
    expect(failed?.ResourceStatusReason).toContain('iam:CreateRole');
    clock.advance(60_000);
    expect((await rejectionOf(assumeAsVendor(sandbox))).name).toBe('AccessDenied');
  });

  it("names the caller who created the stack in the resource's refusal", async () => {
    await start('rollback');
    const vendor = clientsFor(sandbox, sandbox.vendorCredentials).cloudFormation;
    await vendor.send(
      new CreateStackCommand({
        StackName: 'VendorSide',
        TemplateURL: sandbox.templateUrl,
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        Parameters: [
          { ParameterKey: 'ExternalId', ParameterValue: 'porter-external-id-1234' },
          { ParameterKey: 'TrustedPrincipalArn', ParameterValue: sandbox.vendorPrincipalArn },
        ],
      }),
    );
    clock.advance(timing.stackCreateMs);
    const { StackEvents = [] } = await vendor.send(
      new DescribeStackEventsCommand({ StackName: 'VendorSide' }),
    );
    const failed = StackEvents.find((event) => event.ResourceStatus === 'CREATE_FAILED');
    expect(failed?.ResourceStatusReason).toContain(
      `User: ${sandbox.vendorPrincipalArn} is not authorized to perform: iam:CreateRole`,
    );
    expect(failed?.ResourceStatusReason).not.toContain('console-user');
  });

  it('stacks created before switching to rollback still complete', async () => {
    await start();
    await createRoleStack(sandbox);
    sandbox.setScenario('rollback');
    clock.advance(timing.stackCreateMs);
    const stack = (await customer().send(new DescribeStacksCommand({ StackName: 'PorterRole' })))
      .Stacks?.[0];
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
  });
});

describe('no-external-id', () => {
  it('creates a role that the trusted principal can assume without any ExternalId', async () => {
    await start('no-external-id');
    await createRoleStack(sandbox);
    clock.advance(timing.stackCreateMs + timing.propagationMs);
    await expect(assumeAsVendor(sandbox, null)).resolves.toBeDefined();
    await expect(assumeAsVendor(sandbox, 'any-other-id')).resolves.toBeDefined();
    // The principal is still checked: the customer's own user is not trusted.
    const { sts } = clientsFor(sandbox, sandbox.customerCredentials);
    const error = await rejectionOf(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: customerRoleArn(sandbox),
          RoleSessionName: 'me',
        }),
      ),
    );
    expect(error.name).toBe('AccessDenied');
  });

  it('rolls back a role whose trust policy has a condition block that is not an object, and keeps serving', async () => {
    await start('no-external-id');
    const statement = {
      Effect: 'Allow',
      Principal: { AWS: sandbox.vendorPrincipalArn },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: null },
    };
    await customer().send(
      new CreateStackCommand({
        StackName: 'Broken',
        TemplateBody: JSON.stringify({
          Resources: {
            Role: {
              Type: 'AWS::IAM::Role',
              Properties: { AssumeRolePolicyDocument: { Statement: [statement] } },
            },
          },
        }),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    clock.advance(timing.stackCreateMs);
    const stack = (await customer().send(new DescribeStacksCommand({ StackName: 'Broken' })))
      .Stacks?.[0];
    expect(stack?.StackStatus).toBe('ROLLBACK_IN_PROGRESS');
    const { StackEvents = [] } = await customer().send(
      new DescribeStackEventsCommand({ StackName: 'Broken' }),
    );
    const failed = StackEvents.find((event) => event.ResourceStatus === 'CREATE_FAILED');
    expect(failed?.ResourceStatusReason).toContain('Syntax errors in policy.');
    await createRoleStack(sandbox);
    clock.advance(timing.stackCreateMs + timing.propagationMs);
    await expect(assumeAsVendor(sandbox, null)).resolves.toBeDefined();
  });
});

describe('throttle', () => {
  it('refuses every Nth call with Throttling (400), the others succeed', async () => {
    await start('throttle', 3);
    const { sts } = clientsFor(sandbox, sandbox.vendorCredentials);
    const outcomes: string[] = [];
    for (let call = 0; call < 6; call++) {
      try {
        await sts.send(new GetCallerIdentityCommand({}));
        outcomes.push('ok');
      } catch (error) {
        const { name, $metadata } = error as {
          name: string;
          $metadata: { httpStatusCode?: number };
        };
        outcomes.push(`${name} ${$metadata.httpStatusCode}`);
      }
    }
    expect(outcomes).toEqual(['ok', 'ok', 'Throttling 400', 'ok', 'ok', 'Throttling 400']);
  });
});

describe('slow-propagation', () => {
  it('keeps the new role unassumable until slowPropagationMs after CREATE_COMPLETE', async () => {
    await start('slow-propagation');
    await createRoleStack(sandbox);
    clock.advance(timing.stackCreateMs + timing.propagationMs);
    expect((await rejectionOf(assumeAsVendor(sandbox))).name).toBe('AccessDenied');
    clock.advance(timing.slowPropagationMs - timing.propagationMs);
    await expect(assumeAsVendor(sandbox)).resolves.toBeDefined();
  });
});

describe('switching scenarios', () => {
  it('takes the scenario from the start options and from setScenario', async () => {
    await start('throttle');
    expect(sandbox.scenario).toBe('throttle');
    sandbox.setScenario('normal');
    expect(sandbox.scenario).toBe('normal');
    expect(() => sandbox.setScenario('chaos' as SandboxScenario)).toThrow(TypeError);
    expect(sandbox.scenario).toBe('normal');
  });

  it('refuses an unknown scenario at start', async () => {
    await start();
    await expect(startSandbox({ scenario: 'chaos' as SandboxScenario })).rejects.toThrow(
      /Unknown sandbox scenario/,
    );
  });

  it('switches over HTTP with a JSON or a form body, and reports the current one', async () => {
    await start();
    const json = await send(sandbox.url, {
      method: 'POST',
      path: '/_sandbox/scenario',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'rollback' }),
    });
    expect(json.status).toBe(200);
    expect(JSON.parse(json.body)).toEqual({ scenario: 'rollback' });
    expect(sandbox.scenario).toBe('rollback');

    const form = await send(sandbox.url, {
      method: 'POST',
      path: '/_sandbox/scenario',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'scenario=slow-propagation',
    });
    expect(JSON.parse(form.body)).toEqual({ scenario: 'slow-propagation' });

    const current = await send(sandbox.url, { path: '/_sandbox/scenario' });
    expect(JSON.parse(current.body)).toMatchObject({ scenario: 'slow-propagation' });
  });

  it('refuses an unknown scenario over HTTP with 400 and keeps the current one', async () => {
    await start();
    const response = await send(sandbox.url, {
      method: 'POST',
      path: '/_sandbox/scenario',
      headers: { 'content-type': 'application/json' },
      body: '{"scenario":"chaos"}',
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.code).toBe('INVALID_SCENARIO');
    expect(sandbox.scenario).toBe('normal');
  });
});
