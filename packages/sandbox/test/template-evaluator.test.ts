import { buildRoleTemplate } from '@porter/cloud-connect/template';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CloudFormationTemplate,
  parseTemplate,
  planStack,
  requiredCapability,
  resolveParameters,
} from '../src/template-evaluator';

const scope = {
  accountId: '123456789012',
  region: 'eu-west-1',
  partition: 'aws',
  stackName: 'PorterRole',
  stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/PorterRole/id',
};
const VENDOR = 'arn:aws:iam::111122223333:user/porter-connect';

function coreTemplate(preset: 'standard' | 'restricted' = 'standard'): CloudFormationTemplate {
  return parseTemplate(JSON.parse(JSON.stringify(buildRoleTemplate({ preset }))));
}

describe("core's role template, evaluated", () => {
  it.each(['standard', 'restricted'] as const)(
    '%s: makes porter-manager trusting the principal with the ExternalId',
    (preset) => {
      const template = coreTemplate(preset);
      const parameters = resolveParameters(template, [
        { key: 'ExternalId', value: 'abc123' },
        { key: 'TrustedPrincipalArn', value: VENDOR },
      ]);
      const plan = planStack(template, parameters, scope);
      const [role] = plan.resources;
      expect(role?.type).toBe('AWS::IAM::Role');
      expect(role?.attributes.Arn).toBe('arn:aws:iam::123456789012:role/porter-manager');
      expect(role?.properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: VENDOR },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'sts:ExternalId': 'abc123' } },
          },
        ],
      });
      expect(JSON.stringify(role?.properties.Policies)).not.toContain('Fn::Sub');
      expect(JSON.stringify(role?.properties.Policies)).toContain(
        'arn:aws:eks:*:123456789012:cluster/',
      );
      expect(plan.outputs.map((output) => [output.key, output.value])).toEqual([
        ['RoleArn', 'arn:aws:iam::123456789012:role/porter-manager'],
        ['TemplateVersion', buildRoleTemplate().Outputs.TemplateVersion.Value],
      ]);
      expect(requiredCapability(template)).toBe('CAPABILITY_NAMED_IAM');
    },
  );

  it('accepts an ExternalId exactly when it meets the template constraints (property)', () => {
    const template = coreTemplate();
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[\w+=,.@:/-]{0,40}$/)),
        (externalId) => {
          const valid = /^[\w+=,.@:/-]{2,1224}$/.test(externalId);
          const attempt = () =>
            resolveParameters(template, [
              { key: 'ExternalId', value: externalId },
              { key: 'TrustedPrincipalArn', value: VENDOR },
            ]);
          if (valid) expect(attempt().get('ExternalId')).toBe(externalId);
          else expect(attempt).toThrow(/^Parameter 'ExternalId' failed to satisfy constraint/);
        },
      ),
    );
  });

  it('refuses missing and unknown parameters as CloudFormation words it', () => {
    const template = coreTemplate();
    expect(() => resolveParameters(template, [{ key: 'ExternalId', value: 'abc123' }])).toThrow(
      'Parameters: [TrustedPrincipalArn] must have values',
    );
    expect(() =>
      resolveParameters(template, [
        { key: 'ExternalId', value: 'abc123' },
        { key: 'TrustedPrincipalArn', value: VENDOR },
        { key: 'Extra', value: 'x' },
      ]),
    ).toThrow('Parameters: [Extra] do not exist in the template');
    expect(() =>
      resolveParameters(template, [
        { key: 'ExternalId', value: 'abc123' },
        { key: 'TrustedPrincipalArn', value: VENDOR },
        { key: 'toString', value: 'x' },
      ]),
    ).toThrow('Parameters: [toString] do not exist in the template');
  });
});

describe('intrinsic functions', () => {
  const template = parseTemplate({
    Parameters: {
      Env: { Type: 'String', Default: 'prod', AllowedValues: ['prod', 'dev'] },
      Names: { Type: 'CommaDelimitedList', Default: 'a,b' },
    },
    Mappings: { Sizes: { prod: { Count: '3' }, dev: { Count: '1' } } },
    Conditions: {
      IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
      IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
    },
    Resources: {
      Policy: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { ManagedPolicyName: { 'Fn::Sub': '${Env}-policy' }, PolicyDocument: {} },
      },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Description: {
            'Fn::Join': ['/', [{ Ref: 'AWS::Region' }, { 'Fn::Select': [1, { Ref: 'Names' }] }]],
          },
          ManagedPolicyArns: [{ Ref: 'Policy' }],
          Tags: { 'Fn::If': ['IsDev', [{ Key: 'dev', Value: 'yes' }], { Ref: 'AWS::NoValue' }] },
          Count: { 'Fn::FindInMap': ['Sizes', { Ref: 'Env' }, 'Count'] },
          Literal: {
            'Fn::Sub': ['${!Keep} ${Who} ${AWS::Partition}', { Who: { Ref: 'AWS::AccountId' } }],
          },
        },
      },
      DevOnly: { Type: 'AWS::SNS::Topic', Condition: 'IsDev' },
    },
    Outputs: {
      Arn: { Value: { 'Fn::GetAtt': 'Role.Arn' } },
      Dev: { Condition: 'IsDev', Value: 'yes' },
    },
  });

  it('resolves Ref, Sub, Join, Select, If, FindInMap, GetAtt and conditions in dependency order', () => {
    const plan = planStack(template, resolveParameters(template, []), scope);
    expect(plan.resources.map((resource) => resource.logicalId)).toEqual(['Policy', 'Role']);
    const role = plan.resources[1];
    expect(role?.physicalId).toMatch(/^PorterRole-Role-[A-Z2-7]{12}$/);
    expect(role?.properties).toEqual({
      Description: 'eu-west-1/b',
      ManagedPolicyArns: ['arn:aws:iam::123456789012:policy/prod-policy'],
      Count: '3',
      Literal: '${Keep} 123456789012 aws',
    });
    expect(plan.outputs).toEqual([{ key: 'Arn', value: role?.attributes.Arn }]);
  });

  it('takes the other branch when a condition flips', () => {
    const plan = planStack(
      template,
      resolveParameters(template, [{ key: 'Env', value: 'dev' }]),
      scope,
    );
    expect(plan.resources.map((resource) => resource.logicalId)).toEqual([
      'Policy',
      'Role',
      'DevOnly',
    ]);
    expect(plan.resources[1]?.properties.Tags).toEqual([{ Key: 'dev', Value: 'yes' }]);
    expect(() => resolveParameters(template, [{ key: 'Env', value: 'staging' }])).toThrow(
      "Parameter 'Env' must be one of AllowedValues",
    );
  });

  it.each([
    ['no resources', { Resources: {} }, 'At least one Resources member must be defined.'],
    [
      'a resource without a type',
      { Resources: { A: {} } },
      'Every Resources object must contain a Type member.',
    ],
    [
      'an unresolved Ref',
      { Resources: { A: { Type: 'X', Properties: { P: { Ref: 'Nope' } } } } },
      'Unresolved resource dependencies [Nope]',
    ],
    [
      'a dependency cycle',
      {
        Resources: {
          A: { Type: 'X', DependsOn: 'B' },
          B: { Type: 'X', Properties: { P: { Ref: 'A' } } },
        },
      },
      'Circular dependency between resources',
    ],
    [
      'conditions that refer to each other',
      {
        Conditions: {
          A: { 'Fn::Not': [{ Condition: 'B' }] },
          B: { 'Fn::And': [{ Condition: 'A' }, true] },
        },
        Resources: { R: { Type: 'X', Condition: 'A' } },
      },
      'Circular dependency between conditions: [A, B]',
    ],
    [
      'a Ref to a name only Object.prototype has',
      { Resources: { A: { Type: 'X', Properties: { P: { Ref: 'constructor' } } } } },
      'Unresolved resource dependencies [constructor]',
    ],
    [
      'a Fn::Sub variable only Object.prototype has',
      { Resources: { A: { Type: 'X', Properties: { P: { 'Fn::Sub': ['${toString}', {}] } } } } },
      'Unresolved resource dependencies [toString]',
    ],
    [
      'a condition only Object.prototype has',
      { Conditions: {}, Resources: { A: { Type: 'X', Condition: 'constructor' } } },
      'Unresolved dependencies [constructor]',
    ],
    [
      'a mapping only Object.prototype has',
      {
        Mappings: { M: { K: { V: 'x' } } },
        Resources: {
          A: {
            Type: 'X',
            Properties: { P: { 'Fn::FindInMap': ['constructor', 'name', 'length'] } },
          },
        },
      },
      'Unable to get mapping for constructor::name::length',
    ],
    [
      'an unknown function',
      { Resources: { A: { Type: 'X', Properties: { P: { 'Fn::Magic': 1 } } } } },
      'Unrecognized function Fn::Magic',
    ],
    [
      'an attribute the resource lacks',
      {
        Resources: {
          A: { Type: 'AWS::IAM::Role', Properties: { P: { 'Fn::GetAtt': ['A2', 'Nope'] } } },
          A2: { Type: 'AWS::IAM::Role' },
        },
      },
      'does not support attribute type Nope',
    ],
    [
      'an attribute only Object.prototype has',
      {
        Resources: {
          A: { Type: 'X', Properties: { P: { 'Fn::GetAtt': ['A2', 'constructor'] } } },
          A2: { Type: 'AWS::IAM::Role' },
        },
      },
      'does not support attribute type constructor',
    ],
  ])(
    'refuses a template with %s (ValidationError, "Template format error")',
    (_, body, message) => {
      const attempt = () => {
        const parsed = parseTemplate(body);
        planStack(parsed, resolveParameters(parsed, []), scope);
      };
      expect(attempt).toThrow(message);
      try {
        attempt();
      } catch (error) {
        expect(error).toMatchObject({ code: 'ValidationError' });
        expect((error as Error).message).toMatch(/^Template format error: /);
      }
    },
  );

  it('needs CAPABILITY_IAM for unnamed IAM resources and nothing for others', () => {
    expect(
      requiredCapability(parseTemplate({ Resources: { R: { Type: 'AWS::IAM::Role' } } })),
    ).toBe('CAPABILITY_IAM');
    expect(
      requiredCapability(parseTemplate({ Resources: { T: { Type: 'AWS::SNS::Topic' } } })),
    ).toBeUndefined();
  });
});
