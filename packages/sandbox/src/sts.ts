/**
 * STS actions: AssumeRole (decided by the role's trust policy, narrowed by session policies),
 * GetCallerIdentity, GetSessionToken and GetAccessKeyInfo.
 */
import type { CloudState } from './cloud-state';
import type { CallerIdentity, CredentialStore, SandboxCredentials } from './identities';
import {
  AwsError,
  checkParam,
  notImplemented,
  type QueryParams,
  requireParam,
  type XmlValue,
} from './query-protocol';
import { readSessionRequest } from './session-policies';
import { evaluateTrustPolicy } from './trust-policy';

/** The XML namespace of STS responses. */
export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** The STS actions the sandbox serves. */
export const STS_ACTIONS = [
  'AssumeRole',
  'GetCallerIdentity',
  'GetSessionToken',
  'GetAccessKeyInfo',
] as const;

/** What an STS action may touch. */
export interface StsContext {
  state: CloudState;
  credentials: CredentialStore;
  caller: CallerIdentity;
  /** Whether the caller signed with temporary credentials. */
  temporary: boolean;
  now: number;
}

/** Runs one STS action and returns its `<ActionResult>` content. */
export function runStsAction(action: string, params: QueryParams, context: StsContext): XmlValue {
  switch (action) {
    case 'AssumeRole':
      return assumeRole(params, context);
    case 'GetCallerIdentity':
      return {
        Arn: context.caller.arn,
        UserId: context.caller.userId,
        Account: context.caller.accountId,
      };
    case 'GetSessionToken':
      return getSessionToken(params, context);
    case 'GetAccessKeyInfo':
      return getAccessKeyInfo(params, context);
    default:
      throw notImplemented('STS', action, STS_ACTIONS);
  }
}

const ROLE_SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
const ROLE_ARN = /^arn:[\w-]+:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

function assumeRole(params: QueryParams, context: StsContext): XmlValue {
  const { state, caller, now } = context;
  const roleArn = requireParam(params, 'RoleArn');
  const sessionName = requireParam(params, 'RoleSessionName');
  checkParam('RoleArn', roleArn, { min: 20, max: 2048 });
  checkParam('RoleSessionName', sessionName, { min: 2, max: 64, pattern: ROLE_SESSION_NAME });
  const externalId = params.get('ExternalId');
  if (externalId !== undefined)
    checkParam('ExternalId', externalId, { min: 2, max: 1224, pattern: EXTERNAL_ID });
  const duration = durationOf(params, 3600, 43200);
  const arnMatch = ROLE_ARN.exec(roleArn);
  if (!arnMatch) throw new AwsError('ValidationError', `${roleArn} is invalid`);

  state.settle(now);
  const session = readSessionRequest(params, state);
  const role = state.assumableRole(roleArn, now);
  const requestTags: Record<string, string> = {};
  for (const [key, value] of Object.entries(session.tags ?? {})) {
    requestTags[`aws:RequestTag/${key}`] = value;
  }
  const trusts = (action: string) =>
    role !== undefined &&
    evaluateTrustPolicy(role.trustPolicy, {
      principalArn: caller.arn,
      principalAccount: caller.accountId,
      ...(caller.kind === 'assumed-role' && { principalRoleArn: caller.roleArn }),
      action,
      context: {
        'sts:ExternalId': externalId,
        'sts:RoleSessionName': sessionName,
        'sts:SourceIdentity': session.sourceIdentity,
        'aws:PrincipalArn': caller.kind === 'assumed-role' ? caller.roleArn : caller.arn,
        'aws:PrincipalAccount': caller.accountId,
        ...requestTags,
      },
    }) === 'allow';
  // Tags and a source identity need their own actions allowed by the trust policy, as on AWS.
  const actions = [
    'sts:AssumeRole',
    ...(session.tags ? ['sts:TagSession'] : []),
    ...(session.sourceIdentity !== undefined ? ['sts:SetSourceIdentity'] : []),
  ];
  // AWS gives the same answer for a missing role and a refusing trust policy.
  const refused = actions.find((action) => !trusts(action));
  if (!role || refused !== undefined) {
    throw new AwsError(
      'AccessDenied',
      `User: ${caller.arn} is not authorized to perform: ${refused ?? 'sts:AssumeRole'} on resource: ${roleArn}`,
      403,
    );
  }
  // Role chaining is capped at one hour by AWS; a direct assume at the role's maximum.
  const limit = caller.kind === 'assumed-role' ? 3600 : role.maxSessionDuration;
  if (duration > limit) {
    throw new AwsError(
      'ValidationError',
      caller.kind === 'assumed-role'
        ? 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'
        : 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  const expiresAt = now + duration * 1000;
  const sessionArn = `arn:${state.partition}:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`;
  const issued = context.credentials.issue(
    {
      kind: 'assumed-role',
      accountId: role.accountId,
      arn: sessionArn,
      userId: `${role.roleId}:${sessionName}`,
      roleArn: role.arn,
      roleName: role.name,
      sessionName,
      ...(session.policies && { sessionPolicies: session.policies }),
      ...(session.tags && { tags: session.tags }),
      ...(session.sourceIdentity !== undefined && { sourceIdentity: session.sourceIdentity }),
    },
    expiresAt,
  );
  return {
    Credentials: credentialsXml(issued, expiresAt),
    AssumedRoleUser: { AssumedRoleId: `${role.roleId}:${sessionName}`, Arn: sessionArn },
    PackedPolicySize: session.packedPolicySize,
    SourceIdentity: session.sourceIdentity,
  };
}

/** GetSessionToken: temporary credentials for an IAM user, who they stay (no MFA in the sandbox). */
function getSessionToken(params: QueryParams, context: StsContext): XmlValue {
  const { caller, now } = context;
  const duration = durationOf(params, 43200, 129600);
  if (context.temporary || caller.kind !== 'user') {
    throw new AwsError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
  }
  if (params.get('SerialNumber') !== undefined || params.get('TokenCode') !== undefined) {
    throw new AwsError(
      'AccessDenied',
      'MultiFactorAuthentication failed: the sandbox has no MFA devices.',
      403,
    );
  }
  const expiresAt = now + duration * 1000;
  const issued = context.credentials.issue(caller, expiresAt);
  return { Credentials: credentialsXml(issued, expiresAt) };
}

/** GetAccessKeyInfo: the account of an access key the sandbox knows. */
function getAccessKeyInfo(params: QueryParams, context: StsContext): XmlValue {
  const accessKeyId = requireParam(params, 'AccessKeyId');
  checkParam('AccessKeyId', accessKeyId, { min: 16, max: 128, pattern: /^[\w]*$/ });
  const account = context.credentials.accountOf(accessKeyId);
  // AWS decodes any key's account from the key itself; the sandbox knows only its own keys.
  if (account === undefined) {
    throw new AwsError(
      'InvalidParameterValue',
      `The sandbox issued no access key ${accessKeyId}, so it cannot say which account it belongs to.`,
    );
  }
  return { Account: account };
}

function credentialsXml(issued: SandboxCredentials, expiresAt: number): XmlValue {
  return {
    AccessKeyId: issued.accessKeyId,
    SecretAccessKey: issued.secretAccessKey,
    SessionToken: issued.sessionToken,
    Expiration: new Date(expiresAt),
  };
}

/** DurationSeconds: a whole number from 900 to `max`, `fallback` when absent. */
function durationOf(params: QueryParams, fallback: number, max: number): number {
  const text = params.get('DurationSeconds') ?? String(fallback);
  const duration = Number(text);
  if (!Number.isInteger(duration)) {
    throw new AwsError(
      'ValidationError',
      `Value '${text}' for parameter DurationSeconds is invalid.`,
    );
  }
  if (duration < 900) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
    );
  }
  if (duration > max) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  }
  return duration;
}
