import { type Partition, partitionOfRegion, roleArn } from '@porter/cloud-connect';

/**
 * A configuration that cannot work, thrown when the handler or the verifier is created (at
 * start-up, not on the first customer). `option` names the setting; the message names it and
 * the value given, and says what is expected.
 */
export class CloudConnectConfigError extends TypeError {
  override readonly name = 'CloudConnectConfigError';
  readonly code = 'INVALID_CONFIG';
  /** The option at fault, as written in code: `config.trustedPrincipalArn`, `authenticate`, ... */
  readonly option: string;

  constructor(option: string, message: string) {
    super(`Cloud Connect ${option}: ${message}`);
    this.option = option;
  }
}

/** A value as it appears in a message: strings quoted, everything else by its type. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'function' ? 'a function' : String(typeof value);
}

/** The partition of `region`, or a {@link CloudConnectConfigError} naming `option`. */
export function requirePartition(option: string, region: unknown): Partition {
  if (typeof region !== 'string') {
    throw new CloudConnectConfigError(
      option,
      `expected an AWS region such as "us-east-1", got ${describeValue(region)}.`,
    );
  }
  const result = partitionOfRegion(region);
  if (!result.ok) {
    throw new CloudConnectConfigError(option, `${describeValue(region)}: ${result.message}`);
  }
  return result.partition;
}

/** Throws unless `value` is a function. */
export function requireFunction(option: string, value: unknown, expected: string): void {
  if (typeof value !== 'function') {
    throw new CloudConnectConfigError(option, `expected ${expected}, got ${describeValue(value)}.`);
  }
}

/** Throws unless `value` is an object with a function at each of `methods`. */
export function requireMethods(
  option: string,
  value: unknown,
  methods: readonly string[],
  expected: string,
): void {
  if (typeof value !== 'object' || value === null) {
    throw new CloudConnectConfigError(option, `expected ${expected}, got ${describeValue(value)}.`);
  }
  const record = value as Record<string, unknown>;
  const missing = methods.filter((method) => typeof record[method] !== 'function');
  if (missing.length > 0) {
    throw new CloudConnectConfigError(
      option,
      `expected ${expected}; it has no ${missing.map((m) => `${m}()`).join(', ')}.`,
    );
  }
}

// An IAM role or user (with an optional path) or an account root, in any commercial partition.
const IAM_PRINCIPAL_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(?:root|(?:role|user)\/(?:[\x21-\x7e]+\/)?[\w+=,.@-]{1,64})$/;

/**
 * Checks the principal the customer's role will trust. CloudFormation refuses a trust policy
 * whose principal is not an ARN of the stack's partition, so a wrong value fails every
 * customer's stack: it must fail here instead.
 */
export function requireTrustedPrincipalArn(
  option: string,
  value: unknown,
  partition: Partition,
  regionOption: string,
): void {
  const example = `arn:${partition}:iam::111122223333:role/porter-cloud-connect`;
  const match = typeof value === 'string' ? IAM_PRINCIPAL_ARN.exec(value) : null;
  if (!match) {
    throw new CloudConnectConfigError(
      option,
      `${describeValue(value)} is not the ARN of an IAM role, an IAM user or an account root ` +
        `(e.g. ${example}). Every customer's stack would fail: its role's trust policy names this principal.`,
    );
  }
  if (match[1] !== partition) {
    throw new CloudConnectConfigError(
      option,
      `${describeValue(value)} is in the ${match[1]} partition, but ${regionOption} is in ${partition}; ` +
        `a role trusts only principals of its own partition (e.g. ${example}).`,
    );
  }
}

/** Throws unless `value` is a role name a role ARN can carry. */
export function requireRoleName(option: string, value: string, partition: Partition): void {
  const arn = roleArn({ partition, accountId: '000000000000', roleName: value });
  if (!arn.ok) throw new CloudConnectConfigError(option, `${describeValue(value)}: ${arn.message}`);
}

/**
 * Checks a list of origins (`http://127.0.0.1:4566`): a scheme, a host, an optional port and
 * nothing else, so a typo such as a missing scheme fails here rather than silently matching no URL.
 */
export function requireOrigins(option: string, value: unknown): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new CloudConnectConfigError(
      option,
      `expected an array of origins such as ["http://127.0.0.1:4566"], got ${describeValue(value)}.`,
    );
  }
  for (const [index, origin] of value.entries()) requireOrigin(`${option}[${index}]`, origin);
  return value as string[];
}

/** Throws unless `value` is an http(s) origin. */
export function requireOrigin(option: string, value: unknown): void {
  const url = typeof value === 'string' ? parseUrl(value) : undefined;
  const isOrigin =
    url !== undefined &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    (url.pathname === '/' || url.pathname === '') &&
    url.search === '' &&
    url.hash === '' &&
    !String(value).endsWith('?') &&
    !String(value).endsWith('#');
  if (!isOrigin) {
    throw new CloudConnectConfigError(
      option,
      `${describeValue(value)} is not an origin: write a scheme, a host and an optional port, such as "http://127.0.0.1:4566", with no path.`,
    );
  }
}

/** Throws unless `value` is an absolute http(s) URL (`localhost:4566` is not: its scheme would be `localhost:`). */
export function requireUrl(option: string, value: unknown, example: string): void {
  const url = typeof value === 'string' ? parseUrl(value) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new CloudConnectConfigError(
      option,
      `${describeValue(value)} is not an absolute http(s) URL (e.g. "${example}").`,
    );
  }
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
