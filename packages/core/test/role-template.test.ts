import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PERMISSION_GROUP_IDS, type RolePreset } from '../src/permission-catalog';
import { PERMISSION_GRANTS, permissionActions } from '../src/permission-grants';
import { resolveRoleTemplate } from '../src/resolve-role-template';
import {
  buildRoleTemplate,
  ROLE_CREATED_LOGICAL_ID,
  ROLE_LOGICAL_ID,
  STACK_EVENT_RESOURCE_TYPE,
  STACK_EVENT_SERVICE_TIMEOUT_SECONDS,
  STACK_STARTED_LOGICAL_ID,
  stringifyRoleTemplate,
  TEMPLATE_VERSION,
  type TemplateStatement,
} from '../src/role-template';

const PRESETS: readonly RolePreset[] = ['standard', 'restricted'];
const statementsOf = (preset: RolePreset): TemplateStatement[] =>
  buildRoleTemplate({ preset }).Resources.PorterManagerRole.Properties.Policies.flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );
const actionsOf = (statement: TemplateStatement) => [statement.Action].flat();

describe('buildRoleTemplate', () => {
  it('asks for the ExternalId with the constraints IAM puts on sts:ExternalId, and the trusted principal', () => {
    for (const preset of PRESETS) {
      const { Parameters } = buildRoleTemplate({ preset });
      expect(Parameters.ExternalId).toMatchObject({
        Type: 'String',
        MinLength: 2,
        MaxLength: 1224,
        AllowedPattern: '[\\w+=,.@:/-]*',
      });
      expect(Parameters.TrustedPrincipalArn.Type).toBe('String');
    }
  });

  it('creates the role porter-manager that only TrustedPrincipalArn may assume, with its ExternalId', () => {
    for (const preset of PRESETS) {
      const role = buildRoleTemplate({ preset }).Resources.PorterManagerRole;
      expect(role.Type).toBe('AWS::IAM::Role');
      expect(role.Properties.RoleName).toBe('porter-manager');
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { AWS: { Ref: 'TrustedPrincipalArn' } },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
        },
      ]);
    }
  });

  it('outputs the role ARN and the template version', () => {
    const { Outputs } = buildRoleTemplate();
    expect(Outputs.RoleArn.Value).toEqual({ 'Fn::GetAtt': ['PorterManagerRole', 'Arn'] });
    expect(Outputs.TemplateVersion.Value).toBe(TEMPLATE_VERSION);
  });

  it('is the standard preset unless told otherwise, and serialises to the same bytes every time', () => {
    expect(buildRoleTemplate()).toEqual(buildRoleTemplate({ preset: 'standard' }));
    expect(stringifyRoleTemplate(buildRoleTemplate({ preset: 'restricted' }))).toBe(
      stringifyRoleTemplate(buildRoleTemplate({ preset: 'restricted' })),
    );
  });

  it('writes every ARN with ${AWS::Partition} through Fn::Sub, never a fixed partition', () => {
    for (const preset of PRESETS) {
      const policies = JSON.stringify(
        buildRoleTemplate({ preset }).Resources.PorterManagerRole.Properties.Policies,
      );
      expect(policies).not.toMatch(/arn:aws/);
      for (const statement of statementsOf(preset)) {
        if (statement.Resource === '*') continue;
        for (const resource of statement.Resource as { 'Fn::Sub': string }[]) {
          expect(resource['Fn::Sub']).toMatch(/^arn:\$\{AWS::Partition\}:[a-z0-9-]+:/);
        }
      }
    }
  });

  it('grants nothing broader than its groups: no wildcard actions, no admin policies', () => {
    for (const preset of PRESETS) {
      const template = buildRoleTemplate({ preset });
      expect(JSON.stringify(template)).not.toMatch(
        /AdministratorAccess|PowerUserAccess|IAMFullAccess/,
      );
      expect(template.Resources.PorterManagerRole.Properties).not.toHaveProperty(
        'ManagedPolicyArns',
      );
      for (const statement of statementsOf(preset)) {
        expect(statement.Effect).toBe('Allow');
        for (const action of actionsOf(statement)) {
          expect(action, statement.Sid).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
        }
      }
    }
  });

  it('says why for every statement whose Resource is "*"', () => {
    for (const preset of PRESETS) {
      const template = buildRoleTemplate({ preset });
      const reasons = template.Metadata['Porter::CloudConnect'].ResourceStarReasons;
      const starred = statementsOf(preset).filter((s) => s.Resource === '*');
      expect(starred.length).toBeGreaterThan(0);
      for (const statement of starred) {
        expect(reasons[statement.Sid ?? '']?.length ?? 0, statement.Sid).toBeGreaterThan(20);
      }
    }
  });

  it('is generated from the catalog: the same actions per group, each grant once', () => {
    for (const preset of PRESETS) {
      const template = buildRoleTemplate({ preset });
      const groups = template.Metadata['Porter::CloudConnect'].PermissionGroups;
      expect(Object.keys(groups)).toEqual([...PERMISSION_GROUP_IDS]);
      const bySid = new Map(statementsOf(preset).map((s) => [s.Sid, s]));
      expect(bySid.size).toBe(statementsOf(preset).length);
      for (const id of PERMISSION_GROUP_IDS) {
        const granted = new Set(
          (groups[id] ?? []).flatMap((sid) => {
            const statement = bySid.get(sid);
            if (!statement) throw new Error(`group ${id} names a missing statement ${sid}`);
            return actionsOf(statement);
          }),
        );
        expect([...granted].sort(), id).toEqual(permissionActions(id, preset).sort());
      }
    }
  });

  it('gives both presets the same actions; restricted narrows where they apply', () => {
    for (const id of PERMISSION_GROUP_IDS) {
      expect(permissionActions(id, 'restricted').sort()).toEqual(
        permissionActions(id, 'standard').sort(),
      );
    }
    // Every restricted-only grant is scoped by the name prefix or by the tag.
    for (const grants of Object.values(PERMISSION_GRANTS)) {
      for (const grant of grants.filter((g) => g.preset === 'restricted')) {
        const scoped =
          grant.resources.every((r) => r.includes('/porter-')) ||
          JSON.stringify(grant.condition ?? {}).match(/porter-managed|ec2:CreateAction/) !== null;
        expect(scoped, grant.sid).toBe(true);
      }
    }
  });

  it('fits the policy in the 10,240 characters IAM allows inline per role', () => {
    for (const preset of PRESETS) {
      const role = resolve(preset, 'a1', 'arn:aws-us-gov:iam::999988887777:role/porter');
      if (!role.ok) throw new Error(role.message);
      const size = role.role.permissionPolicies
        .map((p) => JSON.stringify(p.document).replace(/\s/g, '').length)
        .reduce((a, b) => a + b, 0);
      expect(size).toBeLessThan(10_240);
    }
  });
});

function resolve(preset: RolePreset, externalId: string, trusted: string) {
  return resolveRoleTemplate(buildRoleTemplate({ preset }), {
    partition: 'aws-us-gov',
    accountId: '111122223333',
    region: 'us-gov-west-1',
    parameters: { ExternalId: externalId, TrustedPrincipalArn: trusted },
  });
}

describe('resolveRoleTemplate', () => {
  const trusted = 'arn:aws-us-gov:iam::999988887777:role/porter';

  it('puts any valid ExternalId into the trust condition unchanged, with nothing left unresolved', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\w+=,.@:/-]{2,1224}$/), (externalId) => {
        const result = resolve('standard', externalId, trusted);
        if (!result.ok) throw new Error(result.message);
        const trust = result.role.trustPolicy.Statement[0];
        expect(trust).toMatchObject({
          Principal: { AWS: trusted },
          Condition: { StringEquals: { 'sts:ExternalId': externalId } },
        });
        expect(JSON.stringify(result.role)).not.toContain('${');
        expect(result.role.roleArn).toBe('arn:aws-us-gov:iam::111122223333:role/porter-manager');
      }),
      { numRuns: 50 },
    );
  });

  it('refuses what CloudFormation would refuse: a short, long or ill-formed ExternalId or principal', () => {
    for (const externalId of ['a', 'x'.repeat(1225), 'has space', 'semi;colon', 'é2']) {
      expect(resolve('standard', externalId, trusted)).toMatchObject({
        ok: false,
        code: 'invalid-parameter',
      });
    }
    for (const principal of ['*', 'arn:aws:iam::*:root', 'arn:aws:iam::12345:root', 'porter']) {
      expect(resolve('standard', 'abc', principal)).toMatchObject({
        ok: false,
        code: 'invalid-parameter',
      });
    }
  });
});

describe('buildRoleTemplate with stack events', () => {
  const withEvents = (preset: RolePreset) => buildRoleTemplate({ preset, events: true });

  it('is the role template and nothing more when events are off', () => {
    for (const preset of PRESETS) {
      const template = buildRoleTemplate({ preset, events: false });
      expect(template).toEqual(buildRoleTemplate({ preset }));
      expect(Object.keys(template.Resources)).toEqual([ROLE_LOGICAL_ID]);
      expect(Object.keys(template.Parameters)).toEqual(['ExternalId', 'TrustedPrincipalArn']);
      expect(JSON.stringify(template)).not.toContain('Custom::');
    }
  });

  it('adds a resource with no dependency, which CloudFormation creates as the stack starts', () => {
    for (const preset of PRESETS) {
      const template = withEvents(preset);
      const started = template.Resources[STACK_STARTED_LOGICAL_ID];
      expect(started?.DependsOn).toBeUndefined();
      // No Ref or GetAtt to a resource either: only parameters.
      const refs = JSON.stringify(started).match(/"Ref":"(\w+)"/g) ?? [];
      for (const ref of refs)
        expect(ref).toMatch(/CloudConnect(SessionId|EventToken|EventTopicArn)/);
      expect(JSON.stringify(started)).not.toContain('Fn::GetAtt');
      expect(started?.Properties).toEqual({
        ServiceToken: { Ref: 'CloudConnectEventTopicArn' },
        ServiceTimeout: STACK_EVENT_SERVICE_TIMEOUT_SECONDS,
        Event: 'stack-started',
        SessionId: { Ref: 'CloudConnectSessionId' },
        EventToken: { Ref: 'CloudConnectEventToken' },
        TemplateVersion: TEMPLATE_VERSION,
      });
      // The role waits for it, so a DeleteStack deletes it last: its Delete says the role is gone.
      expect(template.Resources[ROLE_LOGICAL_ID].DependsOn).toBe(STACK_STARTED_LOGICAL_ID);
    }
  });

  it('adds a resource that depends on the role and carries its ARN', () => {
    const created = withEvents('standard').Resources[ROLE_CREATED_LOGICAL_ID];
    expect(created?.Type).toBe(STACK_EVENT_RESOURCE_TYPE);
    expect(created?.DependsOn).toBe(ROLE_LOGICAL_ID);
    expect(created?.Properties).toMatchObject({
      Event: 'role-created',
      RoleArn: { 'Fn::GetAtt': [ROLE_LOGICAL_ID, 'Arn'] },
      ServiceTimeout: STACK_EVENT_SERVICE_TIMEOUT_SECONDS,
    });
  });

  it("waits a short time for the vendor, never CloudFormation's default hour", () => {
    expect(STACK_EVENT_SERVICE_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(1);
    expect(STACK_EVENT_SERVICE_TIMEOUT_SECONDS).toBeLessThanOrEqual(120);
  });

  it('never puts the ExternalId into what the vendor receives', () => {
    for (const preset of PRESETS) {
      for (const id of [STACK_STARTED_LOGICAL_ID, ROLE_CREATED_LOGICAL_ID] as const) {
        expect(JSON.stringify(withEvents(preset).Resources[id])).not.toContain('ExternalId');
      }
    }
  });

  it('checks the event parameters as CloudFormation would', () => {
    const template = withEvents('standard');
    const parameters = {
      ExternalId: 'abc123',
      TrustedPrincipalArn: 'arn:aws:iam::999988887777:root',
      CloudConnectSessionId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      CloudConnectEventToken: 'A'.repeat(43),
      CloudConnectEventTopicArn: 'arn:aws:sns:eu-west-1:999988887777:cloud-connect-events',
    };
    const where = { partition: 'aws' as const, accountId: '111122223333', region: 'eu-west-1' };
    expect(resolveRoleTemplate(template, { ...where, parameters }).ok).toBe(true);
    for (const [name, bad] of [
      ['CloudConnectSessionId', 'not-a-session'],
      ['CloudConnectEventToken', 'short'],
      ['CloudConnectEventTopicArn', 'arn:aws:lambda:eu-west-1:999988887777:function:x'],
    ] as const) {
      expect(
        resolveRoleTemplate(template, { ...where, parameters: { ...parameters, [name]: bad } }),
      ).toMatchObject({ ok: false, code: 'invalid-parameter' });
    }
  });
});
