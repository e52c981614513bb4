import { cloudFormationHome, fragmentQuery, isStackName, parseUrl } from './console-home';
import { refusal } from './errors';
import type { MessageOverrides } from './messages';
import { linkMessages } from './messages/links';
import { isS3Host, type LinkFailure } from './partitions';

/** What `quickCreateUrl` needs. */
export interface QuickCreateUrlOptions {
  /** The region the stack is created in; it also picks the partition and console host. */
  region: string;
  /** The template's address: `https:` on an S3 host of the region's partition. */
  templateUrl: string;
  /** The suggested stack name, usually `DEFAULT_STACK_NAME`. */
  stackName: string;
  /** Template parameter values by name, e.g. `{ ExternalId, TrustedPrincipalArn }`. */
  parameters: Readonly<Record<string, string>>;
  /** An origin (e.g. `http://127.0.0.1:4566`) that stands in for the AWS console. */
  consoleBaseUrl?: string;
  /** Origins whose templates are accepted although not on S3 (e.g. the sandbox's). */
  allowedTemplateOrigins?: readonly string[];
  /** Overrides for the messages of refusals. */
  messages?: MessageOverrides;
}

/** A built link, or why it could not be built. */
export type LinkResult = { ok: true; url: string } | LinkFailure;

// CloudFormation's rule: a parameter name is alphanumeric.
const PARAMETER_NAME = /^[A-Za-z0-9]{1,255}$/;

/**
 * The CloudFormation console link that opens the quick-create page with the template, stack
 * name and parameters filled in. Every value is URL-encoded; nothing is concatenated. Never
 * throws: bad input is refused with a code and a message, never turned into a wrong URL.
 *
 * @example
 * quickCreateUrl({
 *   region: 'us-east-1',
 *   templateUrl: 'https://porter-templates.s3.us-east-1.amazonaws.com/porter-role-standard.json',
 *   stackName: DEFAULT_STACK_NAME,
 *   parameters: { ExternalId: 'a+b/c=', TrustedPrincipalArn: 'arn:aws:iam::111122223333:root' },
 * })
 * // { ok: true, url: 'https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/quickcreate?templateURL=...' }
 */
export function quickCreateUrl(options: QuickCreateUrlOptions): LinkResult {
  const { region, templateUrl, stackName, parameters, messages } = options;
  const home = cloudFormationHome(region, options.consoleBaseUrl, messages);
  if (!home.ok) return home;
  const template = parseUrl(templateUrl);
  const allowed = (options.allowedTemplateOrigins ?? []).map((o) => parseUrl(o)?.origin);
  const acceptable =
    template !== undefined &&
    template.username === '' &&
    template.password === '' &&
    (allowed.includes(template.origin) ||
      (template.protocol === 'https:' &&
        template.port === '' &&
        isS3Host(template.hostname, home.partition)));
  if (!acceptable) {
    return refusal('invalid-template-url', linkMessages, 'link.templateUrl', { region }, messages);
  }
  if (!isStackName(stackName)) {
    return refusal('invalid-stack-name', linkMessages, 'link.stackName', undefined, messages);
  }
  const fragment = new URLSearchParams({ templateURL: templateUrl, stackName });
  for (const [name, value] of Object.entries(parameters ?? {})) {
    if (!PARAMETER_NAME.test(name) || typeof value !== 'string') {
      return refusal('invalid-parameter', linkMessages, 'link.parameter', { name }, messages);
    }
    fragment.set(`param_${name}`, value);
  }
  home.url.hash = `/stacks/quickcreate?${fragmentQuery(fragment)}`;
  return { ok: true, url: home.url.href };
}
