import { cloudFormationHome, fragmentQuery, isStackName } from './console-home';
import { refusal } from './errors';
import type { MessageOverrides } from './messages';
import { linkMessages } from './messages/links';
import type { LinkResult } from './quick-create-url';

/** What `stacksConsoleUrl` needs. */
export interface StacksConsoleUrlOptions {
  region: string;
  /** The stack to show, usually `DEFAULT_STACK_NAME`. */
  stackName: string;
  /** An origin (e.g. `http://127.0.0.1:4566`) that stands in for the AWS console. */
  consoleBaseUrl?: string;
  messages?: MessageOverrides;
}

/**
 * The CloudFormation console's stack list filtered to one stack, to guide the user to delete
 * it. Never throws: bad input is refused with a code and a message.
 *
 * @example
 * stacksConsoleUrl({ region: 'eu-west-1', stackName: 'PorterRole' })
 * // { ok: true, url: 'https://eu-west-1.console.aws.amazon.com/cloudformation/home?region=eu-west-1#/stacks?filteringText=PorterRole&filteringStatus=active&viewNested=true' }
 */
export function stacksConsoleUrl(options: StacksConsoleUrlOptions): LinkResult {
  const { region, stackName, messages } = options;
  const home = cloudFormationHome(region, options.consoleBaseUrl, messages);
  if (!home.ok) return home;
  if (!isStackName(stackName)) {
    return refusal('invalid-stack-name', linkMessages, 'link.stackName', undefined, messages);
  }
  const fragment = new URLSearchParams({
    filteringText: stackName,
    filteringStatus: 'active',
    viewNested: 'true',
  });
  home.url.hash = `/stacks?${fragmentQuery(fragment)}`;
  return { ok: true, url: home.url.href };
}
