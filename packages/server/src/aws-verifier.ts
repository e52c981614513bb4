import {
  CloudFormationClient,
  type CloudFormationClientConfig,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import {
  type ConnectionCheck,
  DEFAULT_ROLE_NAME,
  DEFAULT_STACK_NAME,
  type MessageOverrides,
  messageFor,
  type Partition,
  partitionOfRegion,
  type RevocationCheck,
  roleArn,
} from '@porter/cloud-connect';
import { TEMPLATE_VERSION } from '@porter/cloud-connect/template';
import { type AwsErrorDetails, classifyAwsError } from './aws-error-classification';
import {
  CloudConnectConfigError,
  describeValue,
  requireMethods,
  requirePartition,
  requireUrl,
} from './config-validation';
import type { ConnectionVerifier, RoleTarget, VerifierCallOptions } from './connection-verifier';
import { type Logger, silentLogger } from './logger';
import { randomBytes, toHex } from './random-bytes';
import { isOlderTemplateVersion } from './template-version';
import { UpstreamError } from './upstream-error';

/**
 * Settings passed to every AWS SDK client the verifier creates: an `endpoint` (the sandbox),
 * the vendor's `credentials` (else the default provider chain), retry settings, a request handler.
 * The CloudFormation client that uses the assumed role's credentials gets all of it except
 * `credentials`.
 */
export type AwsClientConfig = Pick<
  STSClientConfig & CloudFormationClientConfig,
  'endpoint' | 'credentials' | 'maxAttempts' | 'retryMode' | 'requestHandler'
>;

/** Temporary credentials of the assumed role; they live in memory for one check only. */
export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** Clients to use instead of the ones the verifier would create (tests, custom wiring). */
export interface AwsVerifierClients {
  /** Used for every `AssumeRole`, whatever the target's region. */
  sts?: STSClient;
  /** Makes the client that reads the stack with the assumed role's credentials. */
  cloudFormation?: (options: {
    region: string;
    credentials: AssumedCredentials;
  }) => CloudFormationClient;
}

/** Options of {@link createAwsVerifier}. */
export interface AwsVerifierOptions {
  /** The default region for STS and CloudFormation; a target's own region wins. */
  region: string;
  /** The partition of role ARNs. @default the partition of each target's region */
  partition?: Partition;
  /** The role to assume when a target leaves `roleName` empty. @default 'porter-manager' */
  roleName?: string;
  /** The stack to read when a target leaves `stackName` empty. @default 'PorterRole' */
  stackName?: string;
  /** Passed to every SDK client: `endpoint` (the sandbox), vendor `credentials`, retries. */
  clientConfig?: AwsClientConfig;
  /** Clients to use instead of creating them (tests, custom wiring). */
  clients?: AwsVerifierClients;
  /** Where refusals and unreadable stacks are reported; never receives credentials. */
  logger?: Logger;
  /** Overrides for the messages of `failed` verdicts and warnings. */
  messages?: MessageOverrides;
  /** The template version the stack should report; older ones produce a warning. @default core's TEMPLATE_VERSION */
  templateVersion?: string;
  /** @default Date.now */
  now?: () => number;
}

/** The shortest session AWS allows: the credentials are only used for the check itself. */
export const ASSUME_ROLE_DURATION_SECONDS = 900;
/** The back-off suggested when AWS throttles us (AWS gives no Retry-After for STS). */
export const THROTTLED_RETRY_AFTER_MS = 5000;

// The verdict both checks share: a failed ConnectionCheck is also a RevocationCheck.
type FailedCheck = Extract<ConnectionCheck, { status: 'failed' }>;

type AssumeOutcome =
  | { ok: true; credentials: AssumedCredentials }
  | { ok: false; error: AwsErrorDetails };

/**
 * The real {@link ConnectionVerifier}: assumes the customer's role with STS, proves the role
 * insists on the ExternalId (the confused-deputy check AWS asks vendors to make), and reads the
 * stack with the role's temporary credentials, which never leave this function.
 *
 * @example
 * const verifier = createAwsVerifier({ region: 'us-east-1' });
 * const check = await verifier.checkConnection({ accountId, externalId, region: 'us-east-1',
 *   roleName: 'porter-manager', stackName: 'PorterRole' });
 */
export function createAwsVerifier(options: AwsVerifierOptions): ConnectionVerifier {
  const partition = validateVerifierOptions(options);
  const partitionOf = (region: string) => options.partition ?? targetPartition(region);
  const now = options.now ?? Date.now;
  const currentVersion = options.templateVersion ?? TEMPLATE_VERSION;
  const stsClients = new Map<string, STSClient>();
  // Destroying a client destroys its request handler: only one made for that client may go.
  const sharedHandler = options.clientConfig?.requestHandler;
  const destroysClients =
    !options.clients?.cloudFormation &&
    !(typeof sharedHandler === 'object' && sharedHandler !== null && 'handle' in sharedHandler);

  // Where calls go, for log lines: the configured endpoint or AWS's own.
  function endpointOf(region: string): string {
    return describeEndpoint(options.clientConfig?.endpoint, region);
  }

  function withDefaults(target: RoleTarget): RoleTarget {
    return {
      ...target,
      region: target.region || options.region,
      roleName: target.roleName || options.roleName || DEFAULT_ROLE_NAME,
      stackName: target.stackName || options.stackName || DEFAULT_STACK_NAME,
    };
  }

  function stsFor(region: string): STSClient {
    if (options.clients?.sts) return options.clients.sts;
    let client = stsClients.get(region);
    if (!client) {
      // A regional client talks to the regional STS endpoint (lower latency, no us-east-1 dependency).
      client = new STSClient({ ...options.clientConfig, region });
      stsClients.set(region, client);
    }
    return client;
  }

  function cloudFormationFor(
    region: string,
    credentials: AssumedCredentials,
  ): CloudFormationClient {
    if (options.clients?.cloudFormation) {
      return options.clients.cloudFormation({ region, credentials });
    }
    return new CloudFormationClient({ ...options.clientConfig, region, credentials });
  }

  // What one check carries to every AWS call it makes.
  interface Call {
    signal: AbortSignal | undefined;
    log: Logger;
  }

  function callOf(opts: VerifierCallOptions | undefined): Call {
    return { signal: opts?.signal, log: options.logger ?? opts?.logger ?? silentLogger };
  }

  async function assume(
    target: RoleTarget,
    arn: string,
    externalId: string | undefined,
    { signal, log }: Call,
  ): Promise<AssumeOutcome> {
    try {
      const output = await stsFor(target.region).send(
        new AssumeRoleCommand({
          RoleArn: arn,
          RoleSessionName: roleSessionName(now()),
          DurationSeconds: ASSUME_ROLE_DURATION_SECONDS,
          ...(externalId === undefined ? {} : { ExternalId: externalId }),
        }),
        { abortSignal: signal },
      );
      const credentials = output.Credentials;
      if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
        throw new UpstreamError('AssumeRole succeeded without returning credentials.', {
          requestId: output.$metadata?.requestId,
        });
      }
      return {
        ok: true,
        credentials: {
          accessKeyId: credentials.AccessKeyId,
          secretAccessKey: credentials.SecretAccessKey,
          sessionToken: credentials.SessionToken,
        },
      };
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      const details = classifyAwsError(error, signal);
      if (details.kind === 'aborted') throw abortReason(signal, error);
      const missing = missingDomGlobal(error);
      if (missing) throw noXmlParser(missing, details, log, endpointOf(target.region), error);
      if (details.kind === 'unexpected') throw upstream('AssumeRole', details, error);
      reportRefusal(log, details, {
        roleArn: arn,
        withExternalId: externalId !== undefined,
        endpoint: endpointOf(target.region),
      });
      return { ok: false, error: details };
    }
  }

  async function describeStack(
    target: RoleTarget,
    credentials: AssumedCredentials,
    { signal, log }: Call,
  ): Promise<{ stackStatus?: string; templateVersion?: string }> {
    const client = cloudFormationFor(target.region, credentials);
    try {
      const output = await client.send(new DescribeStacksCommand({ StackName: target.stackName }), {
        abortSignal: signal,
      });
      const stack = output.Stacks?.[0];
      if (!stack) return {};
      const version = stack.Outputs?.find((o) => o.OutputKey === 'TemplateVersion')?.OutputValue;
      return {
        ...(stack.StackStatus ? { stackStatus: stack.StackStatus } : {}),
        ...(version ? { templateVersion: version } : {}),
      };
    } catch (error) {
      const details = classifyAwsError(error, signal);
      if (details.kind === 'aborted') throw abortReason(signal, error);
      // The role is proven either way; the stack is information, so its absence is not a verdict.
      log.warn?.('DescribeStacks failed; reporting the check without stack details', {
        stackName: target.stackName,
        endpoint: endpointOf(target.region),
        errorName: details.name,
        errorCode: details.code,
        requestId: details.requestId,
      });
      return {};
    } finally {
      // Drops the only object holding the temporary credentials (and its sockets).
      if (destroysClients) client.destroy();
    }
  }

  function failedFromAssume(target: RoleTarget, error: AwsErrorDetails): FailedCheck | null {
    switch (error.kind) {
      case 'vendor-credentials':
        return {
          status: 'failed',
          code: 'VENDOR_CREDENTIALS',
          message: messageFor('error.VENDOR_CREDENTIALS', undefined, options.messages),
        };
      case 'region-disabled':
        return {
          status: 'failed',
          code: 'STS_REGION_DISABLED',
          message: messageFor(
            'server.stsRegionDisabled',
            { region: target.region, accountId: target.accountId },
            options.messages,
          ),
        };
      default:
        return null;
    }
  }

  function pendingFromAssume(error: AwsErrorDetails): ConnectionCheck {
    switch (error.kind) {
      case 'throttled':
        return { status: 'pending', reason: 'throttled', retryAfterMs: THROTTLED_RETRY_AFTER_MS };
      case 'network':
        return { status: 'pending', reason: 'network' };
      default:
        // AccessDenied: not created yet, still propagating, or another account. AWS answers all three alike.
        return { status: 'pending', reason: 'not-assumable' };
    }
  }

  function outcomeOf(target: RoleTarget, error: AwsErrorDetails): ConnectionCheck {
    return failedFromAssume(target, error) ?? pendingFromAssume(error);
  }

  /**
   * The confused-deputy check AWS asks vendors to make: the role must refuse us without an
   * ExternalId and with a wrong one. Otherwise the verdict is `EXTERNAL_ID_NOT_ENFORCED`, or
   * whatever kept a probe from an answer (throttling, the network, broken vendor credentials).
   */
  async function proveExternalIdEnforced(
    target: RoleTarget,
    arn: string,
    call: Call,
  ): Promise<'enforced' | ConnectionCheck> {
    const [withoutId, withWrongId] = await Promise.all([
      assume(target, arn, undefined, call),
      assume(target, arn, wrongExternalId(target.externalId), call),
    ]);
    for (const probe of [withoutId, withWrongId]) {
      if (probe.ok) {
        call.log.warn?.('The role can be assumed without its ExternalId', { roleArn: arn });
        return {
          status: 'failed',
          code: 'EXTERNAL_ID_NOT_ENFORCED',
          message: messageFor('error.EXTERNAL_ID_NOT_ENFORCED', undefined, options.messages),
        };
      }
      if (probe.error.kind !== 'denied') return outcomeOf(target, probe.error);
    }
    return 'enforced';
  }

  return {
    partition,
    async checkConnection(given: RoleTarget, opts?: VerifierCallOptions): Promise<ConnectionCheck> {
      const target = withDefaults(given);
      const call = callOf(opts);
      const arn = roleArnOf(partitionOf(target.region), target);
      const assumed = await assume(target, arn, target.externalId, call);
      if (!assumed.ok) return outcomeOf(target, assumed.error);

      const enforcement = await proveExternalIdEnforced(target, arn, call);
      if (enforcement !== 'enforced') return enforcement;

      const stack = await describeStack(target, assumed.credentials, call);
      const warnings: string[] = [];
      if (stack.templateVersion && isOlderTemplateVersion(stack.templateVersion, currentVersion)) {
        warnings.push(
          messageFor(
            'server.templateOutdated',
            { stackName: target.stackName, found: stack.templateVersion, current: currentVersion },
            options.messages,
          ),
        );
      }
      return {
        status: 'connected',
        roleArn: arn,
        verifiedAt: new Date(now()).toISOString(),
        ...(stack.templateVersion ? { templateVersion: stack.templateVersion } : {}),
        ...(warnings.length > 0 ? { warnings } : {}),
      };
    },

    async checkRevocation(given: RoleTarget, opts?: VerifierCallOptions): Promise<RevocationCheck> {
      const target = withDefaults(given);
      const call = callOf(opts);
      const arn = roleArnOf(partitionOf(target.region), target);
      const assumed = await assume(target, arn, target.externalId, call);
      if (assumed.ok) {
        // A role that lets anyone in without this ExternalId may be another tenant's: say so,
        // and reveal nothing about its stack (the confused-deputy check, as for connections).
        const enforcement = await proveExternalIdEnforced(target, arn, call);
        if (enforcement !== 'enforced') {
          return enforcement.status === 'failed' ? enforcement : { status: 'pending' };
        }
        const stack = await describeStack(target, assumed.credentials, call);
        return stack.stackStatus
          ? { status: 'pending', stackStatus: stack.stackStatus }
          : { status: 'pending' };
      }
      if (assumed.error.kind === 'denied') return { status: 'revoked' };
      const failed = failedFromAssume(target, assumed.error);
      if (failed) return failed;
      // Throttled or a network failure: no verdict yet, ask again later.
      return { status: 'pending' };
    },
  };
}

/**
 * Logs a refused AssumeRole at the level a developer needs: broken vendor credentials and an
 * unreachable endpoint are theirs to fix; a denial is the normal "not yet" of polling.
 */
function reportRefusal(
  log: Logger,
  details: AwsErrorDetails,
  context: { roleArn: string; withExternalId: boolean; endpoint: string },
): void {
  const fields = {
    ...context,
    errorName: details.name,
    errorCode: details.code,
    kind: details.kind,
    requestId: details.requestId,
  };
  const cause = details.code ?? details.name;
  switch (details.kind) {
    case 'vendor-credentials':
      log.error?.(
        `AWS STS at ${context.endpoint} refused the vendor's own credentials (${cause}): fix ` +
          'clientConfig.credentials (or the default credential chain), and check that ' +
          'clientConfig.endpoint points where those credentials belong.',
        fields,
      );
      return;
    case 'network':
      log.warn?.(
        `Could not reach AWS STS at ${context.endpoint} (${cause}): check clientConfig.endpoint ` +
          'and the network. The check stays pending.',
        fields,
      );
      return;
    case 'region-disabled':
      log.warn?.(`STS is not activated in this region for the account (${cause}).`, fields);
      return;
    case 'throttled':
      log.info?.(`AWS STS at ${context.endpoint} throttled AssumeRole (${cause}).`, fields);
      return;
    default:
      log.debug?.('AssumeRole refused', fields);
  }
}

/** The configured endpoint as text (never a provider's secrets: providers are not called). */
function describeEndpoint(endpoint: AwsClientConfig['endpoint'], region: string): string {
  if (endpoint === undefined) return `the default AWS endpoint for ${region}`;
  if (typeof endpoint === 'string') return endpoint;
  if (typeof endpoint === 'function') return 'the endpoint provider in clientConfig.endpoint';
  if ('url' in endpoint) return endpoint.url.href;
  const port = endpoint.port === undefined ? '' : `:${endpoint.port}`;
  return `${endpoint.protocol}//${endpoint.hostname}${port}${endpoint.path}`;
}

/**
 * A RoleSessionName AWS accepts (2-64 characters of `[\w+=,.@-]`) that says who is asking, so
 * the customer's CloudTrail shows `cloud-connect-check-...`.
 */
export function roleSessionName(nowMs: number): string {
  return `cloud-connect-check-${nowMs}-${toHex(randomBytes(4))}`;
}

// A syntactically valid ExternalId that cannot be the session's own.
function wrongExternalId(externalId: string): string {
  const candidate = `cc-probe-${toHex(randomBytes(16))}`;
  return candidate === externalId ? `${candidate}-x` : candidate;
}

/**
 * Orders template versions: dotted numbers (`1.10.0` > `1.9.2`) and dates compare as numbers,
 * anything else as text.
 */
// Targets come from validated sessions; a refusal here is a programming error, not a verdict.
function roleArnOf(partition: Partition, target: RoleTarget): string {
  const result = roleArn({ partition, accountId: target.accountId, roleName: target.roleName });
  if (!result.ok) throw new TypeError(result.message);
  return result.arn;
}

// Targets come from sessions the handler validated; a refusal here is a programming error.
function targetPartition(region: string): Partition {
  const result = partitionOfRegion(region);
  if (!result.ok) throw new TypeError(result.message);
  return result.partition;
}

// Fails at start-up, naming the option and the value, rather than on every check.
function validateVerifierOptions(options: AwsVerifierOptions): Partition {
  requireMethods('createAwsVerifier options', options, [], 'an options object');
  const partition = requirePartition('createAwsVerifier region', options.region);
  if (options.partition !== undefined && options.partition !== partition) {
    throw new CloudConnectConfigError(
      'createAwsVerifier partition',
      `${describeValue(options.partition)} does not match region ${describeValue(options.region)}, ` +
        `which is in ${partition}. Credentials work in one partition only: give a region of ${describeValue(options.partition)} or drop partition.`,
    );
  }
  const endpoint = options.clientConfig?.endpoint;
  if (typeof endpoint === 'string') {
    requireUrl('createAwsVerifier clientConfig.endpoint', endpoint, 'http://127.0.0.1:4566');
  }
  return partition;
}

function upstream(operation: string, details: AwsErrorDetails, cause: unknown): UpstreamError {
  return new UpstreamError(`${operation} failed with an unexpected AWS error: ${details.name}.`, {
    awsErrorName: details.name,
    ...(details.requestId ? { requestId: details.requestId } : {}),
    cause,
  });
}

// The AWS SDK's browser build, which worker bundlers pick, reads AWS's XML answers with the
// DOM's `DOMParser` and `Node`; a runtime without them fails with a bare ReferenceError.
function missingDomGlobal(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'ReferenceError') return undefined;
  return /\b(DOMParser|Node)\b/.exec(error.message)?.[1];
}

// Says what to install: a worker fails this way on every check until its start-up code does.
function noXmlParser(
  missing: string,
  details: AwsErrorDetails,
  log: Logger,
  endpoint: string,
  cause: unknown,
): UpstreamError {
  const message =
    `AWS STS answered, but this runtime has no global ${missing} to read the answer with: the ` +
    "AWS SDK's browser build parses XML with DOMParser and Node. Install both before creating " +
    "the verifier, for instance @xmldom/xmldom's (globalThis.DOMParser = DOMParser; " +
    'globalThis.Node = Node).';
  log.error?.(message, { endpoint, errorName: details.name, requestId: details.requestId });
  return new UpstreamError(message, {
    awsErrorName: details.name,
    ...(details.requestId ? { requestId: details.requestId } : {}),
    cause,
  });
}

function abortReason(signal: AbortSignal | undefined, error: unknown): unknown {
  return signal?.reason ?? error;
}
