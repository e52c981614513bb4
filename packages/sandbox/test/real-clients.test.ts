import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index';
import { awsCli, boto3, requireAwsClients } from './aws-clients';
import { send } from './raw-requests';
import { createRoleStack, customerRoleArn, EXTERNAL_ID } from './sandbox-clients';

// Stacks finish at once on the wall clock, so the clients' waiters succeed at their first look.
const timing = { stackCreateMs: 0, propagationMs: 0, stackDeleteMs: 0 };
let sandbox: Sandbox;
let workDir: string;

const ROLE_YAML = `Description: deployed by the AWS CLI
Parameters:
  Suffix:
    Type: String
    Default: one
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub 'cli-\${Suffix}'
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: 'arn:aws:iam::111122223333:user/porter-connect' }
            Action: sts:AssumeRole
Outputs:
  Arn:
    Value: !GetAtt Role.Arn
`;

beforeAll(async () => {
  requireAwsClients();
  sandbox = await startSandbox({ timing });
  workDir = mkdtempSync(join(tmpdir(), 'sandbox-clients-'));
  writeFileSync(join(workDir, 'role.yaml'), ROLE_YAML);
  // The PorterRole stack, whose role the STS tests assume.
  await createRoleStack(sandbox);
});
afterAll(async () => {
  await sandbox?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function customerCli(args: string[]) {
  return awsCli(sandbox, sandbox.customerCredentials, args);
}

async function json(args: string[]): Promise<Record<string, unknown>> {
  const result = await customerCli(args);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('the AWS CLI v2 against the sandbox', () => {
  it('`aws cloudformation deploy` creates the stack, updates it, and then finds nothing to change', async () => {
    const deploy = (suffix: string) =>
      customerCli([
        'cloudformation',
        'deploy',
        '--template-file',
        join(workDir, 'role.yaml'),
        '--stack-name',
        'Deployed',
        '--capabilities',
        'CAPABILITY_NAMED_IAM',
        '--parameter-overrides',
        `Suffix=${suffix}`,
      ]);
    const created = await deploy('one');
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('Successfully created/updated stack - Deployed');
    const updated = await deploy('two');
    expect(updated.stdout).toContain('Successfully created/updated stack - Deployed');
    const stack = (
      (await json(['cloudformation', 'describe-stacks', '--stack-name', 'Deployed'])) as {
        Stacks: Array<{ StackStatus: string; Outputs: Array<{ OutputValue: string }> }>;
      }
    ).Stacks[0];
    expect(stack?.StackStatus).toBe('UPDATE_COMPLETE');
    expect(stack?.Outputs[0]?.OutputValue).toBe('arn:aws:iam::123456789012:role/cli-two');
    const unchanged = await deploy('two');
    expect(unchanged.stdout).toContain('No changes to deploy. Stack Deployed is up to date');
  }, 120_000);

  it('create-stack from a template file, wait, list-stacks, resources, template summary and termination protection', async () => {
    const created = await json([
      'cloudformation',
      'create-stack',
      '--stack-name',
      'FromCli',
      '--template-body',
      `file://${join(workDir, 'role.yaml')}`,
      '--capabilities',
      'CAPABILITY_NAMED_IAM',
      '--parameters',
      'ParameterKey=Suffix,ParameterValue=fromcli',
    ]);
    expect(created.StackId).toMatch(/:stack\/FromCli\//);
    expect(
      (
        await customerCli([
          'cloudformation',
          'wait',
          'stack-create-complete',
          '--stack-name',
          'FromCli',
        ])
      ).code,
    ).toBe(0);
    const listed = (await json([
      'cloudformation',
      'list-stacks',
      '--stack-status-filter',
      'CREATE_COMPLETE',
    ])) as { StackSummaries: Array<{ StackName: string }> };
    expect(listed.StackSummaries.map((stack) => stack.StackName)).toContain('FromCli');
    const resources = (await json([
      'cloudformation',
      'describe-stack-resources',
      '--stack-name',
      'FromCli',
    ])) as { StackResources: Array<{ PhysicalResourceId: string; ResourceStatus: string }> };
    expect(resources.StackResources[0]).toMatchObject({
      PhysicalResourceId: 'cli-fromcli',
      ResourceStatus: 'CREATE_COMPLETE',
    });
    const summary = await json([
      'cloudformation',
      'get-template-summary',
      '--stack-name',
      'FromCli',
    ]);
    expect(summary.Capabilities).toEqual(['CAPABILITY_NAMED_IAM']);
    await json([
      'cloudformation',
      'update-termination-protection',
      '--stack-name',
      'FromCli',
      '--enable-termination-protection',
    ]);
    const refused = await customerCli([
      'cloudformation',
      'delete-stack',
      '--stack-name',
      'FromCli',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'An error occurred (ValidationError) when calling the DeleteStack operation: Stack [FromCli] cannot be deleted while TerminationProtection is enabled',
    );
  }, 120_000);

  it('STS: get-caller-identity, get-session-token, and assume-role narrowed by a session policy', async () => {
    const identity = await json(['sts', 'get-caller-identity']);
    expect(identity.Arn).toBe('arn:aws:iam::123456789012:user/sandbox-customer');
    const session = (await json(['sts', 'get-session-token', '--duration-seconds', '900'])) as {
      Credentials: { AccessKeyId: string };
    };
    expect(session.Credentials.AccessKeyId).toMatch(/^ASIA/);
    const assumed = await awsCli(sandbox, sandbox.vendorCredentials, [
      'sts',
      'assume-role',
      '--role-arn',
      customerRoleArn(sandbox),
      '--role-session-name',
      'cli',
      '--external-id',
      EXTERNAL_ID,
      '--policy',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudformation:DescribeStacks","Resource":"*"}]}',
    ]);
    expect(assumed.stderr).toBe('');
    expect(JSON.parse(assumed.stdout).PackedPolicySize).toBeGreaterThan(0);
  }, 120_000);

  it('an operation the sandbox does not serve says so, not "Could not find operation"', async () => {
    const result = await customerCli(['cloudformation', 'list-exports']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'An error occurred (NotImplemented) when calling the ListExports operation: The Cloud Connect sandbox does not implement CloudFormation ListExports.',
    );
    expect(result.stderr).not.toContain('Could not find operation');
  }, 60_000);
});

describe('boto3 (answers validated against AWS service models) against the sandbox', () => {
  it('STS: caller identity, session token, session policy, access key info and a presigned GetCallerIdentity URL', async () => {
    const result = (await boto3(
      sandbox,
      sandbox.vendorCredentials,
      `
sts = client('sts')
policy = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*'}]})
assumed = sts.assume_role(RoleArn='${customerRoleArn(sandbox)}', RoleSessionName='boto', ExternalId='${EXTERNAL_ID}', Policy=policy)
narrowed = boto3.client('cloudformation', endpoint_url=ENDPOINT, region_name='us-east-1',
    aws_access_key_id=assumed['Credentials']['AccessKeyId'],
    aws_secret_access_key=assumed['Credentials']['SecretAccessKey'],
    aws_session_token=assumed['Credentials']['SessionToken'])
print(json.dumps({
  'arn': sts.get_caller_identity()['Arn'],
  'sessionKey': sts.get_session_token(DurationSeconds=900)['Credentials']['AccessKeyId'],
  'packed': assumed['PackedPolicySize'],
  'narrowed': error_of(lambda: narrowed.describe_stacks(StackName='PorterRole')),
  'account': sts.get_access_key_info(AccessKeyId='${sandbox.customerCredentials.accessKeyId}')['Account'],
  'presigned': sts.generate_presigned_url('get_caller_identity', ExpiresIn=60, HttpMethod='GET'),
}))
`,
    )) as {
      arn: string;
      sessionKey: string;
      packed: number;
      narrowed: { code: string; message: string };
      account: string;
      presigned: string;
    };
    expect(result.arn).toBe(sandbox.vendorPrincipalArn);
    expect(result.sessionKey).toMatch(/^ASIA/);
    expect(result.packed).toBeGreaterThan(0);
    expect(result.narrowed.code).toBe('AccessDenied');
    expect(result.narrowed.message).toContain('no session policy allows');
    expect(result.account).toBe('123456789012');
    const presigned = await send(result.presigned);
    expect(presigned.status).toBe(200);
    expect(presigned.body).toContain(`<Arn>${sandbox.vendorPrincipalArn}</Arn>`);
  }, 120_000);

  it('CloudFormation: YAML create with a waiter, paginated list, resources, change set update, no-op update, NotImplemented', async () => {
    const result = (await boto3(
      sandbox,
      sandbox.customerCredentials,
      `
cfn = client('cloudformation')
body = ${JSON.stringify(ROLE_YAML.replaceAll('cli-', 'boto-'))}
cfn.create_stack(StackName='Boto', TemplateBody=body, Capabilities=['CAPABILITY_NAMED_IAM'])
cfn.get_waiter('stack_create_complete').wait(StackName='Boto', WaiterConfig={'Delay': 1, 'MaxAttempts': 30})
names = [s['StackName'] for page in cfn.get_paginator('list_stacks').paginate() for s in page['StackSummaries']]
resources = cfn.describe_stack_resources(StackName='Boto')['StackResources']
change = cfn.create_change_set(StackName='Boto', ChangeSetName='rename', UsePreviousTemplate=True,
    Parameters=[{'ParameterKey': 'Suffix', 'ParameterValue': 'two'}], Capabilities=['CAPABILITY_NAMED_IAM'])
cfn.get_waiter('change_set_create_complete').wait(ChangeSetName=change['Id'], WaiterConfig={'Delay': 1, 'MaxAttempts': 30})
described = cfn.describe_change_set(ChangeSetName=change['Id'])
cfn.execute_change_set(ChangeSetName=change['Id'])
cfn.get_waiter('stack_update_complete').wait(StackName='Boto', WaiterConfig={'Delay': 1, 'MaxAttempts': 30})
stack = cfn.describe_stacks(StackName='Boto')['Stacks'][0]
print(json.dumps({
  'names': names,
  'resource': [resources[0]['PhysicalResourceId'], resources[0]['ResourceStatus']],
  'change': described['Changes'][0]['ResourceChange'],
  'status': stack['StackStatus'],
  'output': stack['Outputs'][0]['OutputValue'],
  'template': cfn.get_template(StackName='Boto')['TemplateBody'],
  'validated': cfn.validate_template(TemplateBody=body)['Parameters'][0]['ParameterKey'],
  'noop': error_of(lambda: cfn.update_stack(StackName='Boto', UsePreviousTemplate=True,
      Parameters=[{'ParameterKey': 'Suffix', 'UsePreviousValue': True}], Capabilities=['CAPABILITY_NAMED_IAM'])),
  'unserved': error_of(lambda: cfn.list_exports()),
}))
`,
    )) as {
      names: string[];
      resource: [string, string];
      change: { Action: string; Replacement: string };
      status: string;
      output: string;
      template: string;
      validated: string;
      noop: { code: string; message: string };
      unserved: { code: string; message: string; status: number };
    };
    expect(result.names).toContain('Boto');
    expect(result.resource).toEqual(['boto-one', 'CREATE_COMPLETE']);
    expect(result.change).toMatchObject({ Action: 'Modify', Replacement: 'True' });
    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(result.output).toBe('arn:aws:iam::123456789012:role/boto-two');
    expect(result.template).toContain("RoleName: !Sub 'boto-${Suffix}'");
    expect(result.validated).toBe('Suffix');
    expect(result.noop).toMatchObject({
      code: 'ValidationError',
      message: 'No updates are to be performed.',
    });
    expect(result.unserved).toMatchObject({ code: 'NotImplemented', status: 501 });
    expect(result.unserved.message).toContain('does not implement CloudFormation ListExports');
  }, 120_000);
});
