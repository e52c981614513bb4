/** What an AWS error means for a verification, independent of which call raised it. */
export type AwsErrorKind =
  /** The role refused us: not created yet, still propagating, wrong account or revoked. */
  | 'denied'
  /** The vendor's own credentials are missing, invalid or expired. */
  | 'vendor-credentials'
  | 'throttled'
  /** STS is not activated in the region for the account asked to issue credentials. */
  | 'region-disabled'
  /** The network or AWS itself failed in a way that waiting may fix. */
  | 'network'
  /** The caller aborted the request. */
  | 'aborted'
  /** Anything else: no verdict can be drawn from it. */
  | 'unexpected';

/** The parts of an error worth keeping: never the error object itself (it may hold a request). */
export interface AwsErrorDetails {
  kind: AwsErrorKind;
  name: string;
  /** The system error code of a failed connection (`ECONNREFUSED`, `ENOTFOUND`, ...). */
  code?: string;
  requestId?: string;
}

const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);

const VENDOR_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'InvalidAccessKeyId',
  // The default provider chain found no credentials at all.
  'CredentialsProviderError',
]);

// The throttling codes the SDK's own retry strategy recognises.
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'LimitExceededException',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
]);

const NETWORK_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Sorts an error thrown by an AWS SDK v3 call into what it means for a verification.
 * Never throws, whatever it is given.
 */
export function classifyAwsError(error: unknown, signal?: AbortSignal): AwsErrorDetails {
  const record = isRecord(error) ? error : {};
  const name = typeof record.name === 'string' ? record.name : 'UnknownError';
  const code = typeof record.code === 'string' ? record.code : undefined;
  const metadata = isRecord(record.$metadata) ? record.$metadata : {};
  const requestId = typeof metadata.requestId === 'string' ? metadata.requestId : undefined;
  const status = typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
  const retryable = isRecord(record.$retryable) ? record.$retryable : undefined;
  const details = (kind: AwsErrorKind): AwsErrorDetails => ({
    kind,
    name,
    ...(code === undefined ? {} : { code }),
    ...(requestId === undefined ? {} : { requestId }),
  });

  if (signal?.aborted || name === 'AbortError') return details('aborted');
  if (DENIED.has(name)) return details('denied');
  if (VENDOR_CREDENTIALS.has(name)) return details('vendor-credentials');
  if (name === 'RegionDisabledException') return details('region-disabled');
  if (THROTTLED.has(name) || retryable?.throttling === true || status === 429) {
    return details('throttled');
  }
  if (NETWORK_NAMES.has(name) || (code !== undefined && NETWORK_CODES.has(code))) {
    return details('network');
  }
  // AWS's own 5xx answers are transient by contract.
  if (status !== undefined && status >= 500) return details('network');
  // No HTTP answer at all and a system error code: the connection failed.
  if (status === undefined && code !== undefined && /^E[A-Z]+$/.test(code)) {
    return details('network');
  }
  return details('unexpected');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
