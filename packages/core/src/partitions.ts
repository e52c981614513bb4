import { refusal } from './errors';
import type { MessageOverrides } from './messages';
import { linkMessages } from './messages/links';

/** The AWS partitions Cloud Connect supports. Isolated partitions (`us-iso*`, `eu-isoe-*`) are not. */
export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn';

/** Every supported partition, in a stable order. */
export const PARTITIONS: readonly Partition[] = ['aws', 'aws-us-gov', 'aws-cn'];

/** The stack name the quick-create link suggests. */
export const DEFAULT_STACK_NAME = 'PorterRole';
/** The IAM role the template creates and the product assumes. */
export const DEFAULT_ROLE_NAME = 'porter-manager';
/** The region the flow uses unless the host picks another. */
export const DEFAULT_REGION = 'us-east-1';

/**
 * Per partition: the console domain (the host is `<region>.<console>`) and the domain S3 hosts
 * end with (`s3.<region>.<s3>`, `<bucket>.s3.<region>.<s3>`).
 */
export const PARTITION_DOMAINS: Readonly<Record<Partition, { console: string; s3: string }>> = {
  aws: { console: 'console.aws.amazon.com', s3: 'amazonaws.com' },
  'aws-us-gov': { console: 'console.amazonaws-us-gov.com', s3: 'amazonaws.com' },
  'aws-cn': { console: 'console.amazonaws.cn', s3: 'amazonaws.com.cn' },
};

/** Why a region, link or ARN input was refused. Stable: hosts may branch on it. */
export type LinkErrorCode =
  | 'invalid-region'
  | 'unsupported-partition'
  | 'invalid-template-url'
  | 'invalid-console-base-url'
  | 'invalid-stack-name'
  | 'invalid-parameter'
  | 'invalid-account-id'
  | 'invalid-role-name';

/** A refused input: a stable code and a message a person understands. */
export interface LinkFailure {
  ok: false;
  code: LinkErrorCode;
  message: string;
}

/** A region's partition, or why the region was refused. */
export type PartitionResult = { ok: true; partition: Partition } | LinkFailure;

// Two letters, one or two words, a number: us-east-1, us-gov-west-1, cn-northwest-1, ap-southeast-7.
const REGION_SHAPE = /^[a-z]{2}(?:-[a-z]+){1,2}-[1-9][0-9]?$/;
// Isolated partitions (us-iso-east-1, us-isob-east-1, eu-isoe-west-1) have their own consoles and trust.
const ISOLATED = /-iso[a-z]?-/;

/**
 * The partition a region belongs to, decided by the region's shape so that new regions work
 * without a code change. Never throws: a string that is not region-shaped, or a region of an
 * isolated partition, is refused with a code and a message.
 *
 * @example
 * partitionOfRegion('cn-north-1')      // { ok: true, partition: 'aws-cn' }
 * partitionOfRegion('us-iso-east-1')   // { ok: false, code: 'unsupported-partition', ... }
 */
export function partitionOfRegion(region: unknown, messages?: MessageOverrides): PartitionResult {
  if (typeof region !== 'string' || !REGION_SHAPE.test(region)) {
    return refusal(
      'invalid-region',
      linkMessages,
      'region.invalid',
      { region: shown(region) },
      messages,
    );
  }
  if (ISOLATED.test(region)) {
    return refusal('unsupported-partition', linkMessages, 'region.isolated', { region }, messages);
  }
  const partition = region.startsWith('cn-')
    ? 'aws-cn'
    : region.startsWith('us-gov-')
      ? 'aws-us-gov'
      : 'aws';
  return { ok: true, partition };
}

/** Whether a value names one of the supported partitions. */
export function isPartition(value: unknown): value is Partition {
  return (PARTITIONS as readonly unknown[]).includes(value);
}

/** The AWS console host for a region already known to be in `partition`. */
export function consoleHost(partition: Partition, region: string): string {
  return `${region}.${PARTITION_DOMAINS[partition].console}`;
}

// [bucket.]s3[-fips][.dualstack][.region | -region].amazonaws.com[.cn]
const S3_HOST =
  /^(?:[a-z0-9][a-z0-9.-]*\.)?s3(?:-fips)?(?:\.dualstack)?(?:[.-]([a-z0-9-]+))?\.(amazonaws\.com(?:\.cn)?)$/;

/**
 * Whether a host is an Amazon S3 endpoint of `partition`: path style (`s3.<region>.<domain>`,
 * legacy `s3-<region>.<domain>`) or virtual-hosted (`<bucket>.s3.<region>.<domain>`), with the
 * optional `dualstack` label. The region-less `s3.amazonaws.com` counts only for `aws`.
 */
export function isS3Host(host: string, partition: Partition): boolean {
  const match = S3_HOST.exec(host);
  if (!match || match[2] !== PARTITION_DOMAINS[partition].s3) return false;
  if (match[1] === undefined) return partition === 'aws';
  const regionPartition = partitionOfRegion(match[1]);
  return regionPartition.ok && regionPartition.partition === partition;
}

/** A value as it may appear inside a message: strings shortened, anything else by its type. */
function shown(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  return value.length > 64 ? `${value.slice(0, 61)}...` : value;
}
