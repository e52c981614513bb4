import {
  DEFAULT_ROLE_NAME,
  DEFAULT_STACK_NAME,
  quickCreateUrl,
  stacksConsoleUrl,
} from '@porter/cloud-connect';
import {
  CloudConnectConfigError,
  describeValue,
  requireFunction,
  requireMethods,
  requireOrigin,
  requireOrigins,
  requirePartition,
  requireRoleName,
  requireTrustedPrincipalArn,
  requireUrl,
} from './config-validation';
import type { CloudConnectHandlerOptions } from './handler';
import { validateStackEventsConfig } from './stack-events/stack-events-config';

const STORE_METHODS = [
  'findByAccount',
  'findBySession',
  'findConnection',
  'listConnections',
  'insertIfAbsent',
  'updateStatus',
  'recordCheck',
] as const;

/**
 * Fails at start-up, not on the first customer, when the options cannot work: every message
 * names the option and the value given. JavaScript callers and `as` casts get the same checks
 * as typed ones.
 */
export function validateHandlerOptions(options: CloudConnectHandlerOptions): void {
  requireMethods('options', options, [], 'an options object');
  requireMethods(
    'verifier',
    options.verifier,
    ['checkConnection', 'checkRevocation'],
    'a ConnectionVerifier such as createAwsVerifier(...)',
  );
  requireMethods('store', options.store, STORE_METHODS, 'a ConnectionStore');
  requireFunction(
    'authenticate',
    options.authenticate,
    'a function (request) => Promise<{ tenantId } | null>',
  );
  requireFunction(
    'listBlockers',
    options.listBlockers,
    'a function ({ tenantId, accountId }) => Promise<Blocker[]>',
  );
  if (options.logger !== undefined) requireMethods('logger', options.logger, [], 'a Logger');
  if (options.coordination !== undefined) {
    requireMethods(
      'coordination',
      options.coordination,
      ['singleFlight', 'takeToken'],
      'a Coordination such as createPostgresCoordination(...)',
    );
  }

  const config = options.config;
  requireMethods('config', config, [], 'a config object');
  const partition = requirePartition('config.region', config.region);
  const stackName = config.stackName ?? DEFAULT_STACK_NAME;
  const verifierPartition = options.verifier.partition;
  if (verifierPartition !== undefined && verifierPartition !== partition) {
    throw new CloudConnectConfigError(
      'verifier',
      `it verifies roles in the ${verifierPartition} partition, but config.region ` +
        `${describeValue(config.region)} is in ${partition}. Create the verifier for a region of ${partition}, ` +
        `with credentials of that partition.`,
    );
  }
  requireRoleName('config.roleName', config.roleName ?? DEFAULT_ROLE_NAME, partition);
  requireTrustedPrincipalArn(
    'config.trustedPrincipalArn',
    config.trustedPrincipalArn,
    partition,
    `config.region ${describeValue(config.region)}`,
  );
  if (config.consoleBaseUrl) requireOrigin('config.consoleBaseUrl', config.consoleBaseUrl);
  const origins = requireOrigins('config.allowedTemplateOrigins', config.allowedTemplateOrigins);
  requireUrl(
    'config.templateUrl',
    config.templateUrl,
    `https://porter-templates.s3.${config.region}.amazonaws.com/porter-role.json`,
  );
  if (config.basePath !== undefined && typeof config.basePath !== 'string') {
    throw new CloudConnectConfigError(
      'config.basePath',
      `expected a path such as "/api/cloud-connect", got ${describeValue(config.basePath)}.`,
    );
  }
  if (
    config.templateVersion !== undefined &&
    (typeof config.templateVersion !== 'string' || config.templateVersion.trim() === '')
  ) {
    throw new CloudConnectConfigError(
      'config.templateVersion',
      `expected a version such as "1.0.0", got ${describeValue(config.templateVersion)}.`,
    );
  }
  const maxBodyBytes = config.maxBodyBytes;
  if (maxBodyBytes !== undefined && !(Number.isSafeInteger(maxBodyBytes) && maxBodyBytes > 0)) {
    throw new CloudConnectConfigError(
      'config.maxBodyBytes',
      `expected a positive whole number of bytes, got ${describeValue(maxBodyBytes)}.`,
    );
  }

  // The same links every session gets, built once with sample values.
  const link = quickCreateUrl({
    region: config.region,
    templateUrl: config.templateUrl,
    stackName: stackName,
    parameters: { ExternalId: 'config-check', TrustedPrincipalArn: config.trustedPrincipalArn },
    consoleBaseUrl: config.consoleBaseUrl || undefined,
    allowedTemplateOrigins: origins,
  });
  if (!link.ok && link.code === 'invalid-template-url') {
    const allowed =
      origins.length > 0
        ? `nor on an origin in config.allowedTemplateOrigins (${origins.join(', ')})`
        : 'and config.allowedTemplateOrigins is empty';
    throw new CloudConnectConfigError(
      'config.templateUrl',
      `${describeValue(config.templateUrl)} is not an https: URL on an S3 host of the ${partition} ` +
        `partition (e.g. https://porter-templates.s3.${config.region}.amazonaws.com/porter-role.json), ${allowed}.`,
    );
  }
  // A template outside S3 loads only in a stand-in console (the sandbox's): AWS's console and
  // CloudFormation take templates from S3 alone, so links to AWS with it could never work.
  if (link.ok && !config.consoleBaseUrl && origins.length > 0) {
    const onS3 = quickCreateUrl({
      region: config.region,
      templateUrl: config.templateUrl,
      stackName,
      parameters: { ExternalId: 'config-check', TrustedPrincipalArn: config.trustedPrincipalArn },
    });
    if (!onS3.ok && onS3.code === 'invalid-template-url') {
      throw new CloudConnectConfigError(
        'config.consoleBaseUrl',
        `is missing, so links open AWS's console, which cannot load the template at ` +
          `${describeValue(config.templateUrl)} (AWS takes templates from S3 only; ` +
          `config.allowedTemplateOrigins is for a stand-in console such as the sandbox's). ` +
          `Set config.consoleBaseUrl to that console's origin, or host the template on S3 and ` +
          `drop config.allowedTemplateOrigins.`,
      );
    }
  }
  if (!link.ok && link.code === 'invalid-stack-name') {
    throw new CloudConnectConfigError(
      'config.stackName',
      `${describeValue(stackName)}: ${link.message}`,
    );
  }
  const stacks = stacksConsoleUrl({
    region: config.region,
    stackName: stackName,
    consoleBaseUrl: config.consoleBaseUrl || undefined,
  });
  const failed = !link.ok ? link : !stacks.ok ? stacks : undefined;
  if (failed) throw new CloudConnectConfigError('config', failed.message);
  if (config.events !== undefined)
    validateStackEventsConfig(config.events, config.region, partition);
}
