import { parseAccountId } from './account-id';
import { refusal } from './errors';
import type { MessageOverrides } from './messages';
import { linkMessages } from './messages/links';
import { isPartition, type LinkFailure, type Partition } from './partitions';

/** What `roleArn` needs. */
export interface RoleArnOptions {
  partition: Partition;
  /** 12 digits; pasted forms (`1234-5678-9012`) are accepted. */
  accountId: string;
  /** Usually `DEFAULT_ROLE_NAME`. */
  roleName: string;
  messages?: MessageOverrides;
}

/** A role ARN, or why it could not be built. */
export type RoleArnResult = { ok: true; arn: string } | LinkFailure;

// IAM's rule for role names: 1-64 of letters, digits and _+=,.@-
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * The ARN of a role in a customer's account. Never throws.
 *
 * @example
 * roleArn({ partition: 'aws', accountId: '0123-4567-8901', roleName: 'porter-manager' })
 * // { ok: true, arn: 'arn:aws:iam::012345678901:role/porter-manager' }
 */
export function roleArn(options: RoleArnOptions): RoleArnResult {
  const { partition, roleName, messages } = options;
  if (!isPartition(partition)) {
    return refusal('unsupported-partition', linkMessages, 'partition.unknown', undefined, messages);
  }
  const account = parseAccountId(options.accountId, messages);
  if (!account.ok) return { ok: false, code: 'invalid-account-id', message: account.message };
  if (typeof roleName !== 'string' || !ROLE_NAME.test(roleName)) {
    return refusal('invalid-role-name', linkMessages, 'roleArn.roleName', undefined, messages);
  }
  return { ok: true, arn: `arn:${partition}:iam::${account.accountId}:role/${roleName}` };
}
