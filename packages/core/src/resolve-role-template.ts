import { refusal } from './errors';
import type { MessageOverrides } from './messages';
import { linkMessages } from './messages/links';
import { DEFAULT_STACK_NAME, type LinkFailure, type Partition } from './partitions';
import { ROLE_LOGICAL_ID, type RoleTemplate, type TemplateValue } from './role-template';

/** A plain IAM policy document, every CloudFormation function resolved. */
export interface IamPolicyDocument {
  Version: string;
  Statement: Record<string, unknown>[];
}

/** The role a stack of the template creates, as IAM would hold it. */
export interface ResolvedRole {
  roleName: string;
  roleArn: string;
  trustPolicy: IamPolicyDocument;
  permissionPolicies: { name: string; document: IamPolicyDocument }[];
  outputs: { RoleArn: string; TemplateVersion: string };
}

/** Where the stack is created and the parameter values it is created with. */
export interface ResolveRoleTemplateOptions {
  partition: Partition;
  accountId: string;
  region: string;
  /** The stack's name (`AWS::StackName`). @default 'PorterRole' */
  stackName?: string;
  parameters: Readonly<Record<string, string>>;
  messages?: MessageOverrides;
}

/**
 * What creating a stack from the template would make: parameters checked against their
 * constraints as CloudFormation checks them, `Ref`, `Fn::Sub` and `Fn::GetAtt` resolved, as an
 * IAM policy simulator takes them (the simulator tests use it).
 *
 * @example
 * const result = resolveRoleTemplate(buildRoleTemplate(), {
 *   partition: 'aws', accountId: '111122223333', region: 'us-east-1',
 *   parameters: { ExternalId: 'abc123', TrustedPrincipalArn: 'arn:aws:iam::999988887777:root' },
 * });
 * if (result.ok) result.role.trustPolicy // the trust policy IAM would evaluate
 */
export function resolveRoleTemplate(
  template: RoleTemplate,
  options: ResolveRoleTemplateOptions,
): { ok: true; role: ResolvedRole } | LinkFailure {
  const { partition, accountId, region, parameters, messages } = options;
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  for (const [name, declaration] of Object.entries(template.Parameters)) {
    const value = parameters[name];
    const valid =
      typeof value === 'string' &&
      value.length >= (declaration.MinLength ?? 0) &&
      value.length <= (declaration.MaxLength ?? Number.POSITIVE_INFINITY) &&
      // CloudFormation's AllowedPattern must match the whole value.
      new RegExp(`^(?:${declaration.AllowedPattern ?? '.*'})$`).test(value);
    if (!valid)
      return refusal('invalid-parameter', linkMessages, 'link.parameter', { name }, messages);
  }
  const properties = template.Resources[ROLE_LOGICAL_ID].Properties;
  const roleArn = `arn:${partition}:iam::${accountId}:role/${properties.RoleName}`;
  const names: Record<string, string> = {
    ...parameters,
    'AWS::Partition': partition,
    'AWS::AccountId': accountId,
    'AWS::Region': region,
    'AWS::StackName': stackName,
  };
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const object = value as { readonly [key: string]: TemplateValue };
    if (typeof object.Ref === 'string') return names[object.Ref];
    if (typeof object['Fn::Sub'] === 'string') {
      return object['Fn::Sub'].replace(/\$\{([\w:]+)\}/g, (_, name: string) => names[name] ?? '');
    }
    if (object['Fn::GetAtt'] !== undefined) return roleArn;
    return Object.fromEntries(Object.entries(object).map(([key, v]) => [key, resolve(v)]));
  };
  return {
    ok: true,
    role: {
      roleName: properties.RoleName,
      roleArn,
      trustPolicy: resolve(properties.AssumeRolePolicyDocument) as IamPolicyDocument,
      permissionPolicies: properties.Policies.map((policy) => ({
        name: policy.PolicyName,
        document: resolve(policy.PolicyDocument) as IamPolicyDocument,
      })),
      outputs: { RoleArn: roleArn, TemplateVersion: template.Outputs.TemplateVersion.Value },
    },
  };
}
