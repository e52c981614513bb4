/**
 * What AssumeRole's optional members ask of a session: session policies (`Policy`,
 * `PolicyArns`) that narrow the role's permissions, session tags (`Tags`,
 * `TransitiveTagKeys`) and a `SourceIdentity`, read and checked as STS checks them.
 */
import { deflateRawSync } from 'node:zlib';
import type { CloudState } from './cloud-state';
import { AwsError, checkParam, type QueryParams, readList, readStructList } from './query-protocol';
import { MalformedPolicyError, type PolicyDocument, parsePolicyDocument } from './trust-policy';

/** What a session asks for beyond the role. */
export interface SessionRequest {
  /** The session policies; undefined when the request passed none. */
  policies?: PolicyDocument[];
  tags?: Record<string, string>;
  transitiveTagKeys?: string[];
  sourceIdentity?: string;
  /** AssumeRole's PackedPolicySize, when the request passed policies or tags. */
  packedPolicySize?: number;
}

const MAX_POLICY_ARNS = 10;
const MAX_TAGS = 50;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const SOURCE_IDENTITY = /^[\w+=,.@-]*$/;
/**
 * The share PackedPolicySize is a percentage of. AWS does not publish its packing, so the
 * sandbox compresses the policies and tags and compares them with this many bytes.
 */
const PACKED_POLICY_BYTES = 2048;

/** Reads and checks AssumeRole's Policy, PolicyArns, Tags, TransitiveTagKeys and SourceIdentity. */
export function readSessionRequest(params: QueryParams, state: CloudState): SessionRequest {
  const request: SessionRequest = {};
  const packed: unknown[] = [];

  const policyText = params.get('Policy');
  const policyArns = readStructList(params, 'PolicyArns', ['arn']).map((entry) => entry.arn ?? '');
  if (policyArns.length > MAX_POLICY_ARNS) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_ARNS}`,
    );
  }
  if (policyText !== undefined || policyArns.length > 0) {
    const policies: PolicyDocument[] = [];
    if (policyText !== undefined) {
      checkParam('Policy', policyText, { min: 1, max: 2048 }, { echo: false });
      policies.push(malformedAsStsSays(() => parsePolicyDocument(policyText, 'permission')));
      packed.push(policies[0]);
    }
    for (const arn of policyArns) {
      checkParam('arn', arn, { min: 20, max: 2048 });
      const document = state.managedPolicy(arn);
      if (!document) {
        throw new AwsError(
          'MalformedPolicyDocument',
          `Policy ${arn} does not exist or is not attachable.`,
        );
      }
      policies.push(document);
      packed.push(arn);
    }
    request.policies = policies;
  }

  const tagEntries = readStructList(params, 'Tags', ['Key', 'Value']);
  if (tagEntries.length > MAX_TAGS) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS}`,
    );
  }
  const transitive = readList(params, 'TransitiveTagKeys');
  if (tagEntries.length > 0 || transitive.length > 0) {
    const tags: Record<string, string> = {};
    const seen = new Set<string>();
    for (const { Key: key = '', Value: value = '' } of tagEntries) {
      checkParam('Key', key, { min: 1, max: 128, pattern: TAG_KEY });
      checkParam('Value', value, { max: 256, pattern: TAG_VALUE });
      // Session tag keys are case-insensitive on AWS.
      if (seen.has(key.toLowerCase())) {
        throw new AwsError(
          'InvalidParameterValue',
          'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
        );
      }
      seen.add(key.toLowerCase());
      Object.defineProperty(tags, key, { value, enumerable: true });
    }
    for (const key of transitive) {
      if (!seen.has(key.toLowerCase())) {
        throw new AwsError(
          'InvalidParameterValue',
          `The transitive tag key ${key} is not one of the session tags.`,
        );
      }
    }
    request.tags = tags;
    request.transitiveTagKeys = transitive;
    packed.push(tags);
  }

  const sourceIdentity = params.get('SourceIdentity');
  if (sourceIdentity !== undefined) {
    checkParam('SourceIdentity', sourceIdentity, { min: 2, max: 64, pattern: SOURCE_IDENTITY });
    if (sourceIdentity.toLowerCase().startsWith('aws:')) {
      throw new AwsError(
        'ValidationError',
        'SourceIdentity cannot start with the reserved prefix "aws:".',
      );
    }
    request.sourceIdentity = sourceIdentity;
  }

  if (packed.length > 0) {
    const size = Math.ceil(
      (deflateRawSync(JSON.stringify(packed)).length * 100) / PACKED_POLICY_BYTES,
    );
    if (size > 100) {
      throw new AwsError(
        'PackedPolicyTooLarge',
        `Packed policy consumes ${size}% of allotted space, please use smaller policy for session.`,
      );
    }
    request.packedPolicySize = size;
  }
  return request;
}

function malformedAsStsSays(parse: () => PolicyDocument): PolicyDocument {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof MalformedPolicyError)) throw error;
    throw new AwsError('MalformedPolicyDocument', error.message);
  }
}
