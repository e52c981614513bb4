import { DEFAULT_ROLE_NAME } from './partitions';
import { PERMISSION_GROUP_IDS, type RolePreset } from './permission-catalog';
import { grantsFor, type IamCondition, RESOURCE_STAR_REASONS } from './permission-grants';

/** The version of the role template; the stack outputs it as `TemplateVersion`. */
export const TEMPLATE_VERSION = '1.0.0';

/** The logical id of the role in the template. */
export const ROLE_LOGICAL_ID = 'PorterManagerRole';

/** The logical id of the custom resource CloudFormation creates first, as the stack starts. */
export const STACK_STARTED_LOGICAL_ID = 'CloudConnectStackStarted';

/** The logical id of the custom resource CloudFormation creates once the role exists. */
export const ROLE_CREATED_LOGICAL_ID = 'CloudConnectRoleCreated';

/** The resource type of both stack event resources (`Custom::` + a name of ours). */
export const STACK_EVENT_RESOURCE_TYPE = 'Custom::CloudConnectStackEvent';

/**
 * How long CloudFormation waits for the vendor's answer to a stack event before it fails the
 * resource (and so the stack): one minute, not CloudFormation's default hour, so an unreachable
 * vendor costs the customer a minute rather than an hour.
 */
export const STACK_EVENT_SERVICE_TIMEOUT_SECONDS = 60;

/** What `buildRoleTemplate` needs. */
export interface RoleTemplateOptions {
  /** `standard` (the default) or `restricted` (names with a prefix and tagged resources only). */
  preset?: RolePreset;
  /**
   * Adds the two SNS-backed custom resources that tell the vendor's server when the stack
   * starts, when the role exists and when either is deleted (a rollback or `DeleteStack`), and
   * the parameters they need (`CloudConnectSessionId`, `CloudConnectEventToken`,
   * `CloudConnectEventTopicArn`, filled in by the link). Off by default: the template is then
   * exactly the role.
   * @default false
   */
  events?: boolean;
}

/** What each stack event resource sends the vendor (its `ResourceProperties`). */
export interface StackEventProperties {
  /** The SNS topic CloudFormation publishes to (in the stack's region). */
  ServiceToken: TemplateValue;
  /** Seconds CloudFormation waits for an answer before it fails the resource. */
  ServiceTimeout: number;
  /** `stack-started` or `role-created`. */
  Event: 'stack-started' | 'role-created';
  SessionId: TemplateValue;
  EventToken: TemplateValue;
  TemplateVersion: string;
  /** The role's ARN (role-created only). */
  RoleArn?: TemplateValue;
}

/** A stack event resource in the template. */
export interface StackEventResource {
  Type: typeof STACK_EVENT_RESOURCE_TYPE;
  DependsOn?: string;
  Properties: StackEventProperties;
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
  Parameters: {
    ExternalId: TemplateParameter;
    TrustedPrincipalArn: TemplateParameter;
    /** With `events` only. */
    CloudConnectSessionId?: TemplateParameter;
    /** With `events` only. */
    CloudConnectEventToken?: TemplateParameter;
    /** With `events` only. */
    CloudConnectEventTopicArn?: TemplateParameter;
  };
  Resources: {
    [ROLE_LOGICAL_ID]: {
      Type: 'AWS::IAM::Role';
      /** With `events`: the role waits for the stack-started event, so its Delete comes last. */
      DependsOn?: string;
      Properties: {
        RoleName: string;
        Description: string;
        MaxSessionDuration: number;
        AssumeRolePolicyDocument: TemplatePolicyDocument;
        Policies: { PolicyName: string; PolicyDocument: TemplatePolicyDocument }[];
        Tags: { Key: string; Value: string }[];
      };
    };
    [STACK_STARTED_LOGICAL_ID]?: StackEventResource;
    [ROLE_CREATED_LOGICAL_ID]?: StackEventResource;
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
  const events = options.events === true;
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
            Parameters: ['ExternalId', 'TrustedPrincipalArn', ...(events ? EVENT_PARAMETERS : [])],
          },
        ],
        ParameterLabels: {
          ExternalId: { default: 'External ID' },
          TrustedPrincipalArn: { default: "Porter's AWS principal" },
          ...(events && EVENT_PARAMETER_LABELS),
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
      ...(events && EVENT_PARAMETER_DECLARATIONS),
    },
    Resources: {
      ...(events && { [STACK_STARTED_LOGICAL_ID]: stackEventResource('stack-started') }),
      [ROLE_LOGICAL_ID]: {
        Type: 'AWS::IAM::Role',
        ...(events && { DependsOn: STACK_STARTED_LOGICAL_ID }),
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
      ...(events && { [ROLE_CREATED_LOGICAL_ID]: stackEventResource('role-created') }),
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

const EVENT_PARAMETERS = [
  'CloudConnectSessionId',
  'CloudConnectEventToken',
  'CloudConnectEventTopicArn',
] as const;

const EVENT_PARAMETER_LABELS = {
  CloudConnectSessionId: { default: 'Session' },
  CloudConnectEventToken: { default: 'Event token' },
  CloudConnectEventTopicArn: { default: "Porter's event topic" },
};

const EVENT_PARAMETER_DECLARATIONS = {
  CloudConnectSessionId: {
    Type: 'String',
    Description: 'The Porter session this stack belongs to.',
    AllowedPattern: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
    ConstraintDescription: 'A session id from the link.',
  },
  CloudConnectEventToken: {
    Type: 'String',
    Description:
      'Proves to Porter that the stack events come from the link it gave you (not a secret of your account).',
    AllowedPattern: '[A-Za-z0-9_-]{43}',
    ConstraintDescription: 'The token from the link.',
  },
  CloudConnectEventTopicArn: {
    Type: 'String',
    Description:
      "Porter's SNS topic in this region: CloudFormation tells it when the stack starts, when the role exists and when they are deleted.",
    AllowedPattern: 'arn:aws(-us-gov|-cn)?:sns:[a-z0-9-]+:[0-9]{12}:[\\w-]{1,256}',
    ConstraintDescription: 'An SNS topic ARN.',
  },
} satisfies Record<(typeof EVENT_PARAMETERS)[number], TemplateParameter>;

function stackEventResource(event: StackEventProperties['Event']): StackEventResource {
  return {
    Type: STACK_EVENT_RESOURCE_TYPE,
    ...(event === 'role-created' && { DependsOn: ROLE_LOGICAL_ID }),
    Properties: {
      ServiceToken: { Ref: 'CloudConnectEventTopicArn' },
      ServiceTimeout: STACK_EVENT_SERVICE_TIMEOUT_SECONDS,
      Event: event,
      SessionId: { Ref: 'CloudConnectSessionId' },
      EventToken: { Ref: 'CloudConnectEventToken' },
      TemplateVersion: TEMPLATE_VERSION,
      ...(event === 'role-created' && { RoleArn: { 'Fn::GetAtt': [ROLE_LOGICAL_ID, 'Arn'] } }),
    },
  };
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
