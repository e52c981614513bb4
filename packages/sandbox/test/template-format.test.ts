import {
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type ManualClock, type Sandbox, startSandbox } from '../src/index';
import { parseTemplateBody } from '../src/template-format';
import { send } from './raw-requests';
import { clientsFor, rejectionOf, startOnManualClock } from './sandbox-clients';

const timing = { stackCreateMs: 1000, propagationMs: 1000, stackDeleteMs: 1000 };
let clock: ManualClock;
let sandbox: Sandbox;

beforeEach(async () => {
  ({ clock, sandbox } = await startOnManualClock({ timing }));
});
afterEach(() => sandbox.close());

function customer() {
  return clientsFor(sandbox, sandbox.customerCredentials).cloudFormation;
}

function createFromBody(TemplateBody: string, StackName = 'Yaml') {
  return customer().send(
    new CreateStackCommand({ StackName, TemplateBody, Capabilities: ['CAPABILITY_NAMED_IAM'] }),
  );
}

const YAML_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Description: Every short form CloudFormation's YAML knows
Parameters:
  Env:
    Type: String
    Default: prod
  Names:
    Type: CommaDelimitedList
    Default: alpha,beta
Mappings:
  Sizes:
    prod: { Count: '3' }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Or [!Condition IsDev, !Equals [a, a]]]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub '\${Env}-role'
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: !Sub 'arn:\${AWS::Partition}:iam::111122223333:user/porter-connect' }
            Action: sts:AssumeRole
Outputs:
  Arn:
    Value: !GetAtt Role.Arn
  ArnList:
    Value: !GetAtt [Role, Arn]
  Joined:
    Value: !Join ['/', [!Select [1, !Ref Names], !FindInMap [Sizes, !Ref Env, Count]]]
  Split:
    Value: !Select [0, !Split [',', 'x,y']]
  Chosen:
    Value: !If [Both, both, neither]
  Subbed:
    Value: !Sub ['\${Who}@\${AWS::Region}', { Who: !Ref AWS::AccountId }]
`;

describe('YAML templates', () => {
  it('creates a stack from a YAML TemplateBody with every short-form tag, evaluated as JSON would be', async () => {
    await createFromBody(YAML_TEMPLATE);
    clock.advance(timing.stackCreateMs);
    const stack = (await customer().send(new DescribeStacksCommand({ StackName: 'Yaml' })))
      .Stacks?.[0];
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
    expect(stack?.Description).toBe("Every short form CloudFormation's YAML knows");
    const outputs = Object.fromEntries(
      (stack?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]),
    );
    expect(outputs).toEqual({
      Arn: 'arn:aws:iam::123456789012:role/prod-role',
      ArnList: 'arn:aws:iam::123456789012:role/prod-role',
      Joined: 'beta/3',
      Split: 'x',
      Chosen: 'both',
      Subbed: '123456789012@us-east-1',
    });
  });

  it('reads YAML and JSON bodies of the same template alike (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })), (value) => {
        // Through JSON on both sides: -0 and 0 are one number in a template.
        const normalized = (parsed: unknown) => JSON.parse(JSON.stringify(parsed));
        const expected = normalized(value);
        expect(normalized(parseTemplateBody(stringify(value, { lineWidth: 0 })))).toEqual(expected);
        expect(normalized(parseTemplateBody(JSON.stringify(value)))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses malformed YAML with the line and column, and YAML aliases', async () => {
    const broken = await rejectionOf(createFromBody('Resources:\n  A: [unclosed\n'));
    expect(broken.name).toBe('ValidationError');
    expect(broken.message).toMatch(
      /^Template format error: YAML not well-formed\. \(line \d+, column \d+\)$/,
    );
    const aliased = await rejectionOf(
      createFromBody('Resources:\n  A: &a\n    Type: AWS::SNS::Topic\n  B: *a\n'),
    );
    expect(aliased.message).toBe('Template format error: YAML aliases are not supported.');
  });

  it('still says JSON not well-formed for a broken JSON body', async () => {
    const broken = await rejectionOf(createFromBody('{"Resources": '));
    expect(broken.message).toBe('Template format error: JSON not well-formed.');
  });
});

describe('the template URL', () => {
  it('answers HEAD with the real Content-Length and no body, as S3 does', async () => {
    const get = await send(sandbox.templateUrl);
    const head = await send(sandbox.templateUrl, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(get.body));
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    expect(head.body).toBe('');
  });
});

describe("CloudFormation's limits: 400 ValidationError, never a 500 or a stall", () => {
  async function refusal(body: string) {
    const error = await rejectionOf(createFromBody(body));
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.name).toBe('ValidationError');
    return error.message;
  }

  it('refuses a TemplateBody over 51,200 characters without echoing it', async () => {
    const body = JSON.stringify({
      Resources: { A: { Type: 'AWS::SNS::Topic' } },
      Description: 'x'.repeat(51_200),
    });
    expect(await refusal(body)).toBe(
      "1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to 51200",
    );
  });

  it('refuses 25,000 nested arrays in JSON and deep nesting in YAML', async () => {
    const deepJson = `{"Resources":{"A":{"Type":"AWS::SNS::Topic","Properties":{"P":${'['.repeat(25_000)}${']'.repeat(25_000)}}}}}`;
    expect(deepJson.length).toBeLessThan(51_200);
    expect(await refusal(deepJson)).toMatch(
      /^Template format error: .*deeper than 100 levels\.$|JSON not well-formed/,
    );
    const deepYaml = `Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      P: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    expect(await refusal(deepYaml)).toMatch(/^Template format error: /);
  });

  function nestedNot(levels: number): string {
    const condition = `${'{"Fn::Not":['.repeat(levels)}{"Fn::Equals":["a","a"]}${']}'.repeat(levels)}`;
    return `{"Conditions":{"C":${condition}},"Resources":{"A":{"Type":"AWS::SNS::Topic","Condition":"C"}}}`;
  }

  it('refuses deeply nested Fn::Not in a TemplateBody, and 4,000 of them behind a TemplateURL', async () => {
    const body = nestedNot(3500);
    expect(body.length).toBeLessThan(51_200);
    expect(await refusal(body)).toContain('deeper than 100 levels');

    const served = await startSandbox({ template: JSON.parse(nestedNot(4000)) });
    try {
      const error = await rejectionOf(
        clientsFor(served, served.customerCredentials).cloudFormation.send(
          new CreateStackCommand({ StackName: 'Deep', TemplateURL: served.templateUrl }),
        ),
      );
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toContain('deeper than 100 levels');
    } finally {
      await served.close();
    }
  });

  it('caps Fn::Sub expansion: nested variables that would build a 60 MB string are refused', async () => {
    // Each level repeats the one below eight times: 8^6 copies of 256 characters.
    let value: unknown = 'x'.repeat(256);
    for (let level = 0; level < 6; level++) {
      value = { 'Fn::Sub': ['${v}'.repeat(8), { v: value }] };
    }
    const body = JSON.stringify({
      Resources: { A: { Type: 'AWS::SNS::Topic', Properties: { TopicName: value } } },
    });
    expect(await refusal(body)).toContain('expand beyond');
  });

  it('fails the role resource, and the stack rolls back, when RoleName is over 64 characters', async () => {
    const body = JSON.stringify({
      Resources: {
        LongRole: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'r'.repeat(65),
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
    await createFromBody(body, 'LongName');
    clock.advance(timing.stackCreateMs + timing.stackDeleteMs);
    const stack = (await customer().send(new DescribeStacksCommand({ StackName: 'LongName' })))
      .Stacks?.[0];
    expect(stack?.StackStatus).toBe('ROLLBACK_COMPLETE');
    const { StackEvents = [] } = await customer().send(
      new DescribeStackEventsCommand({ StackName: 'LongName' }),
    );
    expect(
      StackEvents.find((event) => event.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason,
    ).toBe(
      'Properties validation failed for resource LongRole with message: #/RoleName: expected maxLength: 64',
    );
  });
});
