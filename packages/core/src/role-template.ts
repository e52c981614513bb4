import { DEFAULT_ROLE_NAME } from './partitions';
import { PERMISSION_GROUP_IDS, type RolePreset } from './permission-catalog';
import { grantsFor, type IamCondition, RESOURCE_STAR_REASONS } from './permission-grants';

/** The version of the role template; the stack outputs it as `TemplateVersion`. */
export const TEMPLATE_VERSION = '1.0.0';

/** The logical id of the role in the template. */
export const ROLE_LOGICAL_ID = 'PorterManagerRole';

/** What `buildRoleTemplate` needs. */
export interface RoleTemplateOptions {
  /** `standard` (the default) or `restricted` (names with a prefix and tagged resources only). */
  preset?: RolePreset;
}

/** A CloudFormation value: plain JSON, or an intrinsic function such as `{ 'Fn::Sub': '...' }`. */
export type TemplateValue =
  | string
  | number
  | boolean
  | null
  | readonly TemplateValue[]
  | { readonly [key: string]: TemplateValue };

/** An IAM policy statement as it appears in the template (ARNs still `Fn::Sub` strings). */
export interface TemplateStatement {
  Sid?: string;
  Effect: 'Allow';
  Principal?: { AWS: TemplateValue };
  Action: string | string[];
  Resource?: TemplateValue;
  Condition?: Record<string, Record<string, TemplateValue>>;
}

/** An IAM policy document. */
export interface TemplatePolicyDocument {
  Version: '2012-10-17';
  Statement: TemplateStatement[];
}

/** A CloudFormation parameter declaration. */
export interface TemplateParameter {
  Type: 'String';
  Description: string;
  MinLength?: number;
  MaxLength?: number;
  AllowedPattern?: string;
  ConstraintDescription?: string;
}

/** The CloudFormation template `buildRoleTemplate` returns. */
export interface RoleTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Metadata: {
    'AWS::CloudFormation::Interface': {
      ParameterGroups: { Label: { default: string }; Parameters: string[] }[];
      ParameterLabels: Record<string, { default: string }>;
    };
    'Porter::CloudConnect': {
      TemplateVersion: string;
      Preset: RolePreset;
      /** Group id -> the Sids of the statements that grant it. */
      PermissionGroups: Record<string, string[]>;
      /** Sid -> why its Resource is `*`. */
      ResourceStarReasons: Record<string, string>;
    };
  };
  Parameters: { ExternalId: TemplateParameter; TrustedPrincipalArn: TemplateParameter };
  Resources: {
    [ROLE_LOGICAL_ID]: {
      Type: 'AWS::IAM::Role';
      Properties: {
        RoleName: string;
        Description: string;
        MaxSessionDuration: number;
        AssumeRolePolicyDocument: TemplatePolicyDocument;
        Policies: { PolicyName: string; PolicyDocument: TemplatePolicyDocument }[];
        Tags: { Key: string; Value: string }[];
      };
    };
  };
  Outputs: {
    RoleArn: { Description: string; Value: TemplateValue };
    TemplateVersion: { Description: string; Value: string };
  };
}

/** The `ExternalId` parameter's constraints (the same as IAM's for `sts:ExternalId`). */
export const EXTERNAL_ID_CONSTRAINTS = {
  MinLength: 2,
  MaxLength: 1224,
  AllowedPattern: '[\\w+=,.@:/-]*',
} as const;

// A role, a user or the account root in any of the three partitions (no wildcards, no services).
const TRUSTED_PRINCIPAL_PATTERN =
  'arn:aws(-us-gov|-cn)?:iam::[0-9]{12}:(root|(role|user)/[\\w+=,.@/-]+)';

/**
 * The CloudFormation template that creates the `porter-manager` role, generated from the
 * permission catalog. Only `TrustedPrincipalArn` may assume the role, and only with the
 * `ExternalId` it was created with. Named IAM resource: create it with `CAPABILITY_NAMED_IAM`.
 *
 * @example
 * const template = buildRoleTemplate({ preset: 'restricted' });
 * const body = stringifyRoleTemplate(template); // what CloudFormation's TemplateBody takes
 */
export function buildRoleTemplate(options: RoleTemplateOptions = {}): RoleTemplate {
  const preset = options.preset ?? 'standard';
  const statements: TemplateStatement[] = [];
  const groups: Record<string, string[]> = {};
  const reasons: Record<string, string> = {};
  for (const id of PERMISSION_GROUP_IDS) {
    const grants = grantsFor(id, preset);
    groups[id] = grants.map((grant) => grant.sid);
    for (const grant of grants) {
      const anyResource = grant.resources.length === 1 && grant.resources[0] === '*';
      if (anyResource) reasons[grant.sid] = RESOURCE_STAR_REASONS[grant.sid] ?? '';
      statements.push({
        Sid: grant.sid,
        Effect: 'Allow',
        Action: [...grant.actions],
        Resource: anyResource ? '*' : grant.resources.map(sub),
        ...(grant.condition && { Condition: conditionOf(grant.condition) }),
      });
    }
  }
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `Porter Cloud Connect ${TEMPLATE_VERSION} (${preset}): creates the ${DEFAULT_ROLE_NAME} IAM role that Porter assumes with your external ID to manage EKS clusters and what they need.`,
    Metadata: {
      'AWS::CloudFormation::Interface': {
        ParameterGroups: [
          {
            Label: { default: 'Access for Porter (filled in by the link; do not change)' },
            Parameters: ['ExternalId', 'TrustedPrincipalArn'],
          },
        ],
        ParameterLabels: {
          ExternalId: { default: 'External ID' },
          TrustedPrincipalArn: { default: "Porter's AWS principal" },
        },
      },
      'Porter::CloudConnect': {
        TemplateVersion: TEMPLATE_VERSION,
        Preset: preset,
        PermissionGroups: groups,
        ResourceStarReasons: reasons,
      },
    },
    Parameters: {
      ExternalId: {
        Type: 'String',
        Description:
          'The ID that ties this role to your Porter account: AssumeRole without it is refused.',
        ...EXTERNAL_ID_CONSTRAINTS,
        ConstraintDescription: '2-1224 letters, digits or _+=,.@:/- characters.',
      },
      TrustedPrincipalArn: {
        Type: 'String',
        Description:
          'The ARN of the AWS principal Porter signs in as; only it may assume the role.',
        AllowedPattern: TRUSTED_PRINCIPAL_PATTERN,
        ConstraintDescription: 'An IAM role, user or account root ARN.',
      },
    },
    Resources: {
      [ROLE_LOGICAL_ID]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: DEFAULT_ROLE_NAME,
          Description: `Lets Porter manage EKS clusters in this account (Cloud Connect ${TEMPLATE_VERSION}, ${preset}).`,
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: { Ref: 'TrustedPrincipalArn' } },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: `porter-cloud-connect-${preset}`,
              PolicyDocument: { Version: '2012-10-17', Statement: statements },
            },
          ],
          Tags: [{ Key: 'porter-cloud-connect-template', Value: `${TEMPLATE_VERSION}-${preset}` }],
        },
      },
    },
    Outputs: {
      RoleArn: {
        Description: 'The ARN of the role Porter assumes.',
        Value: { 'Fn::GetAtt': [ROLE_LOGICAL_ID, 'Arn'] },
      },
      TemplateVersion: {
        Description:
          'The version of the Porter Cloud Connect template this stack was created from.',
        Value: TEMPLATE_VERSION,
      },
    },
  };
}

/**
 * The template as JSON, the same bytes for the same template (two-space indent, trailing
 * newline): what is committed under `templates/`, served, and passed as `TemplateBody`.
 */
export function stringifyRoleTemplate(template: RoleTemplate): string {
  return `${JSON.stringify(template, null, 2)}\n`;
}

// CloudFormation fills `${AWS::Partition}` and `${AWS::AccountId}` only inside Fn::Sub.
function sub(value: string): TemplateValue {
  return value.includes('${AWS::') ? { 'Fn::Sub': value } : value;
}

function conditionOf(condition: IamCondition): Record<string, Record<string, TemplateValue>> {
  const result: Record<string, Record<string, TemplateValue>> = {};
  for (const [operator, entries] of Object.entries(condition)) {
    const block: Record<string, TemplateValue> = {};
    for (const [key, value] of Object.entries(entries)) {
      block[key] = typeof value === 'string' ? sub(value) : value.map(sub);
    }
    result[operator] = block;
  }
  return result;
}
