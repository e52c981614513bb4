/**
 * Stack events as a partner turns them on: the role template with its event resources,
 * `config.events` with an SNS topic and a token secret, a SQLite event store beside the
 * sessions, and the topic subscribed to the handler's `/events` route. CloudFormation then tells
 * the server when the customer's stack starts, when the role exists and when either is deleted,
 * so a stack that rolled back is an error within seconds instead of a long wait. In sandbox mode
 * the sandbox's own SNS delivers them; in real AWS mode they are on when both of their
 * variables are set (docs/real-aws.md).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRoleTemplate } from '@porter/cloud-connect/template';
import {
  type Sandbox,
  type SandboxClock,
  type SandboxTiming,
  startSandbox,
} from '@porter/cloud-connect-sandbox';
import type { StackEventsConfig } from '@porter/cloud-connect-server';
import { createSqliteStackEventStore } from '@porter/cloud-connect-server/sqlite';
import type { AwsStackEventsSettings } from './host-config';

/** The name of the sandbox's SNS topic for stack events (in us-east-1, the sandbox's region). */
export const SANDBOX_EVENTS_TOPIC = 'cloud-connect-events';

/** The file in the data directory that keeps the sandbox mode's event token secret. */
export const EVENT_TOKEN_SECRET_FILE = 'event-token-secret';

/** Options of {@link startDemoSandbox}. */
export interface DemoSandboxOptions {
  /** The port on 127.0.0.1; 0 picks a free one. */
  port: number;
  clock: SandboxClock;
  timing?: Partial<SandboxTiming>;
}

/** Starts the sandbox serving the role template with stack events (the `-events` variant). */
export function startDemoSandbox(options: DemoSandboxOptions): Promise<Sandbox> {
  return startSandbox({
    port: options.port,
    clock: options.clock,
    ...(options.timing !== undefined && { timing: options.timing }),
    template: buildRoleTemplate({ preset: 'standard', events: true }),
  });
}

/** Stack events for the handler, with the event store the host closes after the handler. */
export interface DemoStackEvents {
  config: StackEventsConfig;
  /** Subscribes the handler's events route once it listens (the sandbox only). */
  subscribe?(eventsUrl: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Sandbox mode: the sandbox's topic, a token secret kept in the data directory (so links made
 * before a restart of the host still carry valid tokens) and the SQLite event store in
 * `sqlitePath`.
 */
export function sandboxStackEvents(
  sandbox: Sandbox,
  dataDir: string,
  sqlitePath: string,
): DemoStackEvents {
  const topicArn = sandbox.sns.createTopic(SANDBOX_EVENTS_TOPIC);
  const store = createSqliteStackEventStore(sqlitePath);
  return {
    config: {
      topics: { 'us-east-1': topicArn },
      tokenSecret: keptTokenSecret(dataDir),
      store,
      sandboxOrigin: sandbox.url,
      // Background re-checks as often as the sandbox mode's browser checks.
      backgroundIntervalMs: 1000,
    },
    async subscribe(eventsUrl) {
      // A host restarted on the same port subscribes again; the handler refuses the second
      // copy of each notification as a duplicate.
      const subscription = await sandbox.sns.subscribe(topicArn, eventsUrl);
      if (!subscription.confirmed) {
        throw new Error(`The sandbox's SNS could not subscribe ${eventsUrl}; see the log above.`);
      }
    },
    close: () => store.close(),
  };
}

/**
 * Real AWS mode with both event variables set: the partner's topic of the region (subscribed
 * once with the AWS CLI, not here) and its secret; the handler checks both at start-up.
 */
export function awsStackEvents(
  region: string,
  settings: AwsStackEventsSettings,
  sqlitePath: string,
): DemoStackEvents {
  const store = createSqliteStackEventStore(sqlitePath);
  return {
    config: {
      topics: { [region]: settings.topicArn },
      tokenSecret: settings.tokenSecret,
      store,
    },
    close: () => store.close(),
  };
}

// 32 random bytes, made on the first start and read after; readable by this user only.
function keptTokenSecret(dataDir: string): string {
  const path = join(dataDir, EVENT_TOKEN_SECRET_FILE);
  try {
    writeFileSync(path, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(path, 'utf8').trim();
}
