import { randomBytes, toBase64Url } from './random-bytes';

/** What CloudFormation's `ExternalId` parameter (and STS) accept. */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;

/** Bytes of randomness in a generated ExternalId: 192 bits, well over the 128 the design asks. */
const EXTERNAL_ID_RANDOM_BYTES = 24;

/**
 * A new ExternalId from the operating system's cryptographic random source: `cc-` then 32
 * base64url characters (only `[A-Za-z0-9_-]`, all inside the ExternalId pattern).
 */
export function generateExternalId(): string {
  return `cc-${toBase64Url(randomBytes(EXTERNAL_ID_RANDOM_BYTES))}`;
}

/** Whether a string is a valid ExternalId (2-1224 characters of `[\w+=,.@:/-]`). */
export function isExternalId(value: unknown): value is string {
  return typeof value === 'string' && EXTERNAL_ID_PATTERN.test(value);
}
