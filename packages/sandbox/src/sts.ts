/** STS actions: AssumeRole (decided by the role's trust policy) and GetCallerIdentity. */
import type { CloudState } from './cloud-state';
import type { CallerIdentity, CredentialStore } from './identities';
import {
  AwsError,
  checkParam,
  notImplemented,
  type QueryParams,
  requireParam,
  type XmlValue,
} from './query-protocol';
import { evaluateTrustPolicy } from './trust-policy';

/** The XML namespace of STS responses. */
export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** The STS actions the sandbox serves. */
export const STS_ACTIONS = ['AssumeRole', 'GetCallerIdentity'] as const;

/** What an STS action may touch. */
export interface StsContext {
  state: CloudState;
  credentials: CredentialStore;
  caller: CallerIdentity;
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
  const durationText = params.get('DurationSeconds') ?? '3600';
  const duration = Number(durationText);
  if (!Number.isInteger(duration)) {
    throw new AwsError(
      'ValidationError',
      `Value '${durationText}' for parameter DurationSeconds is invalid.`,
    );
  }
  checkDuration(duration);
  const arnMatch = ROLE_ARN.exec(roleArn);
  if (!arnMatch) throw new AwsError('ValidationError', `${roleArn} is invalid`);

  state.settle(now);
  const role = state.assumableRole(roleArn, now);
  const decision = role
    ? evaluateTrustPolicy(role.trustPolicy, {
        principalArn: caller.arn,
        principalAccount: caller.accountId,
        ...(caller.kind === 'assumed-role' && { principalRoleArn: caller.roleArn }),
        action: 'sts:AssumeRole',
        context: {
          'sts:ExternalId': externalId,
          'sts:RoleSessionName': sessionName,
          'aws:PrincipalArn': caller.kind === 'assumed-role' ? caller.roleArn : caller.arn,
          'aws:PrincipalAccount': caller.accountId,
        },
      })
    : 'implicit-deny';
  // AWS gives the same answer for a missing role and a refusing trust policy.
  if (!role || decision !== 'allow') {
    throw new AwsError(
      'AccessDenied',
      `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
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
    },
    expiresAt,
  );
  return {
    Credentials: {
      AccessKeyId: issued.accessKeyId,
      SecretAccessKey: issued.secretAccessKey,
      SessionToken: issued.sessionToken,
      Expiration: new Date(expiresAt),
    },
    AssumedRoleUser: { AssumedRoleId: `${role.roleId}:${sessionName}`, Arn: sessionArn },
  };
}

function checkDuration(duration: number): void {
  if (duration < 900) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
    );
  }
  if (duration > 43200) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`,
    );
  }
}
