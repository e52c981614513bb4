// TEMPORARY stand-ins for core exports another engineer is adding (DESIGN.md signatures); removed once they land.
import type { Partition } from '../../core/src/partitions';

export {
  DEFAULT_REGION,
  DEFAULT_ROLE_NAME,
  DEFAULT_STACK_NAME,
  partitionOfRegion,
} from '../../core/src/partitions';
export type { Partition };

export const TEMPLATE_VERSION = '1.0.0';

export function roleArn(input: {
  partition: Partition;
  accountId: string;
  roleName: string;
}): string {
  return `arn:${input.partition}:iam::${input.accountId}:role/${input.roleName}`;
}

export function quickCreateUrl(input: {
  region: string;
  templateUrl: string;
  stackName: string;
  parameters: Record<string, string>;
  consoleBaseUrl?: string;
  allowedTemplateOrigins?: readonly string[];
}): string {
  const base = input.consoleBaseUrl ?? `https://${input.region}.console.aws.amazon.com`;
  const url = new URL('/cloudformation/home', base);
  url.searchParams.set('region', input.region);
  const fragment = new URLSearchParams({
    templateURL: input.templateUrl,
    stackName: input.stackName,
  });
  for (const [name, value] of Object.entries(input.parameters))
    fragment.set(`param_${name}`, value);
  url.hash = `/stacks/quickcreate?${fragment}`;
  return url.toString();
}

export function stacksConsoleUrl(input: {
  region: string;
  stackName: string;
  consoleBaseUrl?: string;
}): string {
  const base = input.consoleBaseUrl ?? `https://${input.region}.console.aws.amazon.com`;
  const url = new URL('/cloudformation/home', base);
  url.searchParams.set('region', input.region);
  url.hash = `/stacks?${new URLSearchParams({ filteringText: input.stackName })}`;
  return url.toString();
}
