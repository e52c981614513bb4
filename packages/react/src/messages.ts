import type { MessageOverrides } from '@porter/cloud-connect';

/**
 * The English strings the React parts show by default (labels, buttons, troubleshooting), keyed
 * by stable ids beside core's catalog. Pass `messages` overrides to translate either kind.
 */
export const partMessages = {
  'part.accountIdLabel': 'AWS account ID',
  'part.submit': 'Continue',
  'part.launch': 'Open the AWS console to create the stack',
  'part.launchPopupBlocked':
    'Your browser blocked the new window. Open the AWS console with this link instead.',
  'part.elapsed': '{elapsed} elapsed',
  'part.troubleshootAccount':
    'Check that the AWS console is signed in to account {accountId} (the account menu, top right).',
  'part.troubleshootAcknowledge':
    'On the quick-create page, tick the box that acknowledges IAM resources, then choose Create stack.',
  'part.troubleshootStatus':
    'In CloudFormation, the {stackName} stack should reach CREATE_COMPLETE. If it rolled back, delete it and launch it again.',
  'part.retry': 'Try again',
  'part.edit': 'Change the account ID',
  'part.verifyNow': 'Check now',
  'part.contactVendor': 'Contact support',
  'part.connectionAccount': 'AWS account',
  'part.connectionRoleArn': 'Role',
  'part.connectionVerifiedAt': 'Verified',
  'part.revoke': 'Remove access',
  'part.recheckBlockers': 'Check again',
  'part.cancelRevoke': 'Keep the connection',
  'part.deleteStack': 'Open the stack in the CloudFormation console to delete it',
  'part.errorDetail': 'Details for developers',
  'part.recheck': 'Check again',
  'part.closeFlow': 'Close',
} as const;

/** A stable id of a React part's default string. */
export type PartMessageId = keyof typeof partMessages;

/** Overrides of core's catalog and of the parts' strings: what `messages` accepts. */
export type CloudConnectMessages = MessageOverrides & Partial<Record<PartMessageId, string>>;

/** A part's string, with `{name}` placeholders filled and the host's override applied. */
export function partMessage(
  id: PartMessageId,
  messages: CloudConnectMessages | undefined,
  values?: Readonly<Record<string, string | number>>,
): string {
  const template = messages?.[id] ?? partMessages[id];
  if (!values) return template;
  // As core's catalog does: an unknown placeholder stays as written, so a mistranslation shows.
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}
