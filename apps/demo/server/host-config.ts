/**
 * How the demo host is set up: from command-line flags and environment variables (the command
 * line wins). Sandbox mode needs nothing; `CLOUD_CONNECT_MODE=aws` reads the real AWS settings.
 */
import { parseArgs } from 'node:util';

/** The defaults a person gets from `bash scripts/demo.sh`. */
export const DEFAULT_PORT = 4700;
export const DEFAULT_SANDBOX_PORT = 4566;

/** Real AWS: the vendor's credentials come from the AWS SDK's default chain. */
export interface AwsModeConfig {
  kind: 'aws';
  region: string;
  templateUrl: string;
  trustedPrincipalArn: string;
  /** Stack events, when both of their variables are set; off otherwise. */
  events?: AwsStackEventsSettings;
}

/** Real AWS stack events: the SNS topic of the region and the event token secret. */
export interface AwsStackEventsSettings {
  topicArn: string;
  tokenSecret: string;
}

/** The embedded sandbox on 127.0.0.1. */
export interface SandboxModeConfig {
  kind: 'sandbox';
  /** 0 picks a free port. */
  port: number;
}

export interface HostConfig {
  port: number;
  dataDir: string;
  mode: AwsModeConfig | SandboxModeConfig;
}

/** A setting the host cannot start with; the message says which and how to fix it. */
export class HostConfigError extends Error {
  override name = 'HostConfigError';
}

/** Reads flags (`--port`, `--sandbox-port`, `--data-dir`) and the environment. */
export function readHostConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultDataDir: string,
): HostConfig {
  let values: { port?: string; 'sandbox-port'?: string; 'data-dir'?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        'sandbox-port': { type: 'string' },
        'data-dir': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new HostConfigError(
      `${(error as Error).message}\nOptions: --port <n> (or DEMO_PORT), --sandbox-port <n> (or SANDBOX_PORT), --data-dir <dir> (or DEMO_DATA_DIR).`,
    );
  }
  const port = portOf('--port', values.port ?? env.DEMO_PORT, DEFAULT_PORT);
  const dataDir = values['data-dir'] ?? env.DEMO_DATA_DIR ?? defaultDataDir;
  const modeName = env.CLOUD_CONNECT_MODE ?? 'sandbox';
  if (modeName === 'sandbox') {
    const sandboxPort = portOf(
      '--sandbox-port',
      values['sandbox-port'] ?? env.SANDBOX_PORT,
      DEFAULT_SANDBOX_PORT,
    );
    return { port, dataDir, mode: { kind: 'sandbox', port: sandboxPort } };
  }
  if (modeName !== 'aws') {
    throw new HostConfigError(
      `CLOUD_CONNECT_MODE is "${modeName}"; use "sandbox" (the default) or "aws".`,
    );
  }
  const missing = ['CLOUD_CONNECT_TRUSTED_PRINCIPAL_ARN', 'CLOUD_CONNECT_TEMPLATE_URL'].filter(
    (name) => !env[name],
  );
  if (missing.length > 0) {
    throw new HostConfigError(
      `CLOUD_CONNECT_MODE=aws needs ${missing.join(' and ')} (see docs/real-aws.md).`,
    );
  }
  const events = awsStackEventsOf(env);
  return {
    port,
    dataDir,
    mode: {
      kind: 'aws',
      region: env.CLOUD_CONNECT_REGION || 'us-east-1',
      templateUrl: env.CLOUD_CONNECT_TEMPLATE_URL as string,
      trustedPrincipalArn: env.CLOUD_CONNECT_TRUSTED_PRINCIPAL_ARN as string,
      ...(events && { events }),
    },
  };
}

const EVENT_VARIABLES = ['CLOUD_CONNECT_EVENT_TOPIC_ARN', 'CLOUD_CONNECT_EVENT_TOKEN_SECRET'];

// Both or neither: one alone is a half-done setup, better refused than silently off.
function awsStackEventsOf(env: NodeJS.ProcessEnv): AwsStackEventsSettings | undefined {
  const missing = EVENT_VARIABLES.filter((name) => !env[name]);
  if (missing.length === EVENT_VARIABLES.length) return undefined;
  if (missing.length > 0) {
    throw new HostConfigError(
      `Stack events need ${EVENT_VARIABLES.join(' and ')}; ${missing.join(' and ')} is not set (see docs/real-aws.md).`,
    );
  }
  return {
    topicArn: env.CLOUD_CONNECT_EVENT_TOPIC_ARN as string,
    tokenSecret: env.CLOUD_CONNECT_EVENT_TOKEN_SECRET as string,
  };
}

function portOf(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new HostConfigError(`${flag} must be a port number from 0 to 65535, got "${value}".`);
  }
  return port;
}
