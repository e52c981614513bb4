import type { Partition } from '@porter/cloud-connect';
import { CloudConnectConfigError, describeValue, requireMethods } from '../config-validation';
import type { StackEventsConfig } from './stack-events';

const TOPIC_ARN =
  /^arn:(aws|aws-us-gov|aws-cn):sns:([a-z]{2}(?:-[a-z]+)+-\d+):\d{12}:[\w-]{1,256}$/;
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** Fails at start-up when `config.events` cannot work; every message names the option. */
export function validateStackEventsConfig(
  events: StackEventsConfig,
  region: string,
  partition: Partition,
): void {
  requireMethods('config.events', events, [], 'an object { topics, tokenSecret }');
  const topics = events.topics;
  if (typeof topics !== 'object' || topics === null || Array.isArray(topics)) {
    throw new CloudConnectConfigError(
      'config.events.topics',
      `expected an object of region -> SNS topic ARN, got ${describeValue(topics)}.`,
    );
  }
  for (const [topicRegion, arn] of Object.entries(topics)) {
    const match = typeof arn === 'string' ? TOPIC_ARN.exec(arn) : null;
    if (!match || match[2] !== topicRegion || match[1] !== partition) {
      throw new CloudConnectConfigError(
        `config.events.topics["${topicRegion}"]`,
        `${describeValue(arn)} is not an SNS topic ARN of region ${topicRegion} in the ${partition} partition: CloudFormation publishes only to a topic of the stack's region.`,
      );
    }
  }
  if (!Object.hasOwn(topics, region)) {
    throw new CloudConnectConfigError(
      'config.events.topics',
      `has no topic for config.region ${describeValue(region)}, where sessions are created.`,
    );
  }
  if (typeof events.tokenSecret !== 'string' || events.tokenSecret.length < 32) {
    throw new CloudConnectConfigError(
      'config.events.tokenSecret',
      'expected a secret of at least 32 characters (e.g. 32 random bytes in base64), kept like any secret.',
    );
  }
  if (events.store !== undefined) {
    requireMethods(
      'config.events.store',
      events.store,
      ['rememberSession', 'sessionOf', 'firstDelivery', 'stateOf', 'updateState', 'followed'],
      'a StackEventStore',
    );
  }
  for (const key of ['backgroundIntervalMs', 'maxMessageAgeMs'] as const) {
    const value = events[key];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new CloudConnectConfigError(
        `config.events.${key}`,
        `expected a whole number of milliseconds >= 0, got ${describeValue(value)}.`,
      );
    }
  }
  if (events.fetch !== undefined && typeof events.fetch !== 'function') {
    throw new CloudConnectConfigError(
      'config.events.fetch',
      `expected a function, got ${describeValue(events.fetch)}.`,
    );
  }
  if (events.sandboxOrigin !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(events.sandboxOrigin);
    } catch {
      url = undefined;
    }
    if (url?.origin !== events.sandboxOrigin || !LOOPBACK_HOSTS.includes(url.hostname)) {
      throw new CloudConnectConfigError(
        'config.events.sandboxOrigin',
        `${describeValue(events.sandboxOrigin)} is not a loopback origin such as "http://127.0.0.1:4566": only the local sandbox may stand in for SNS and S3.`,
      );
    }
  }
}
