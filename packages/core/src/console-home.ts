import { refusal } from './errors';
import type { MessageOverrides } from './messages';
import { linkMessages } from './messages/links';
import { consoleHost, type LinkFailure, type Partition, partitionOfRegion } from './partitions';

/** `/cloudformation/home?region=R` on the region's console, or on `consoleBaseUrl` when given. */
export function cloudFormationHome(
  region: unknown,
  consoleBaseUrl: unknown,
  messages: MessageOverrides | undefined,
): { ok: true; url: URL; partition: Partition } | LinkFailure {
  const partition = partitionOfRegion(region, messages);
  if (!partition.ok) return partition;
  const regionName = region as string;
  let origin = `https://${consoleHost(partition.partition, regionName)}`;
  if (consoleBaseUrl !== undefined) {
    const base = parseUrl(consoleBaseUrl);
    // An origin only: a path or query here would be silently dropped, so refuse it instead.
    const isOrigin = /^https?:$/.test(base?.protocol ?? '') && base?.href === `${base?.origin}/`;
    if (!isOrigin) {
      return refusal(
        'invalid-console-base-url',
        linkMessages,
        'link.consoleBaseUrl',
        undefined,
        messages,
      );
    }
    origin = base.origin;
  }
  const url = new URL('/cloudformation/home', origin);
  url.searchParams.set('region', regionName);
  return { ok: true, url, partition: partition.partition };
}

/** Parses an absolute URL without throwing. */
export function parseUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * Serialises fragment parameters. URLSearchParams writes a space as `+` (and a real `+` as
 * `%2B`); `%20` instead reads back the same under both decodeURIComponent and URLSearchParams.
 */
export function fragmentQuery(params: URLSearchParams): string {
  return params.toString().replaceAll('+', '%20');
}

// CloudFormation's rule: a stack name starts with a letter, then letters, digits and hyphens.
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** Whether a value is a valid CloudFormation stack name. */
export function isStackName(value: unknown): value is string {
  return typeof value === 'string' && STACK_NAME.test(value);
}
