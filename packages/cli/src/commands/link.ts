import {
  DEFAULT_REGION,
  DEFAULT_ROLE_NAME,
  DEFAULT_STACK_NAME,
  type LinkErrorCode,
  partitionOfRegion,
  quickCreateUrl,
  roleArn,
} from '@porter/cloud-connect';
import { buildRoleTemplate, type TemplateParameter } from '@porter/cloud-connect/template';
import {
  accountOption,
  type OptionValues,
  requiredOption,
  stringOption,
  UsageError,
} from '../arguments';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import type { CliIo } from '../io';

// The option a refused link came from, so the usage error names it.
const OPTION_OF_LINK_ERROR: Partial<Record<LinkErrorCode, string>> = {
  'invalid-region': '--region',
  'unsupported-partition': '--region',
  'invalid-template-url': '--template-url',
  'invalid-console-base-url': '--console-base-url',
  'invalid-stack-name': '--stack-name',
};

/** `porter-connect link`: the quick-create link, and the ARN of the role it creates. */
export async function linkCommand(values: OptionValues, io: CliIo): Promise<ExitCode> {
  const accountId = accountOption(values);
  const { Parameters } = buildRoleTemplate();
  // What CloudFormation would refuse after the user clicked Create is refused here instead.
  const externalId = checked(values, 'external-id', Parameters.ExternalId);
  const principal = checked(values, 'principal', Parameters.TrustedPrincipalArn);
  const templateUrl = requiredOption(values, 'template-url');
  const region = stringOption(values, 'region') ?? DEFAULT_REGION;
  const consoleBaseUrl = stringOption(values, 'console-base-url');
  const partition = partitionOfRegion(region);
  if (!partition.ok) throw new UsageError(`--region: ${partition.message}`);
  const link = quickCreateUrl({
    region,
    templateUrl,
    stackName: stringOption(values, 'stack-name') ?? DEFAULT_STACK_NAME,
    parameters: { ExternalId: externalId, TrustedPrincipalArn: principal },
    ...(consoleBaseUrl !== undefined && {
      consoleBaseUrl,
      // A stand-in console (the sandbox) serves its own templates.
      allowedTemplateOrigins: [consoleBaseUrl],
    }),
  });
  if (!link.ok) {
    throw new UsageError(`${OPTION_OF_LINK_ERROR[link.code] ?? 'link'}: ${link.message}`);
  }
  const arn = roleArn({ partition: partition.partition, accountId, roleName: DEFAULT_ROLE_NAME });
  if (!arn.ok) throw new UsageError(`--account: ${arn.message}`);
  if (values.json === true) {
    io.stdout.write(`${JSON.stringify({ url: link.url, roleArn: arn.arn })}\n`);
  } else {
    io.stdout.write(`${link.url}\n`);
    io.stderr.write(`The stack creates ${arn.arn}, which only ${principal} may assume.\n`);
  }
  return EXIT_CODES.OK;
}

function checked(values: OptionValues, name: string, parameter: TemplateParameter): string {
  const value = requiredOption(values, name);
  const pattern = new RegExp(`^(?:${parameter.AllowedPattern ?? '.*'})$`);
  const fits =
    value.length >= (parameter.MinLength ?? 0) &&
    value.length <= (parameter.MaxLength ?? Number.POSITIVE_INFINITY) &&
    pattern.test(value);
  if (!fits) throw new UsageError(`--${name}: ${parameter.ConstraintDescription}`);
  return value;
}
