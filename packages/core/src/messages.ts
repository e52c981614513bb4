/**
 * The one English message catalog. Every user-facing string (errors, status lines, permission
 * descriptions) is here under a stable id; hosts translate by passing `messages` overrides.
 * `{name}` placeholders are filled from the values given to `messageFor`.
 */
export const defaultMessages = {
  'accountId.empty': 'Enter your 12-digit AWS account ID.',
  'accountId.invalidCharacters':
    'An AWS account ID has only the digits 0-9 (spaces and hyphens are fine). Remove {character}.',
  'accountId.notText': 'Enter the account ID as text: a number would lose its leading zeros.',
  'accountId.wrongLength':
    'An AWS account ID has exactly 12 digits; this one has {count}. Copy it from the account menu in the top-right corner of the AWS console.',

  'error.INVALID_ACCOUNT_ID': 'That is not a valid AWS account ID.',
  'error.SESSION_FAILED': 'We could not start the connection. Try again in a moment.',
  'error.NETWORK': 'We could not reach the server. Check your connection and try again.',
  'error.UNAUTHORIZED': 'Your session has expired. Sign in again to continue.',
  'error.RATE_LIMITED': 'Too many requests. We will try again shortly.',
  'error.STACK_FAILED':
    'The PorterRole stack failed to create. Delete the failed stack in the CloudFormation console, then launch it again.',
  'error.EXTERNAL_ID_NOT_ENFORCED':
    "The role can be assumed without its external ID, which would let others act as Porter in your account. Recreate the stack from Porter's template.",
  'error.STS_REGION_DISABLED':
    'AWS STS is off in this region for your account. Activate it in IAM account settings, then check again.',
  'error.VENDOR_CREDENTIALS':
    "The service's own AWS credentials are not working. This is not a problem with your account; contact support.",
  'error.TIMED_OUT':
    'We stopped checking after a long wait. Check the stack in the CloudFormation console, then try again.',
  'error.ACCESS_LOST':
    'Porter can no longer assume the role in your account. Was the stack deleted?',
  'error.REVOKE_BLOCKED': 'Delete these clusters in Porter before you remove its access.',
  'error.INVALID_SNAPSHOT': 'The saved connection state could not be restored.',
  'error.MISCONFIGURED':
    'This page is set up wrong and cannot reach its AWS connection service. Contact support.',
  'error.SESSION_NOT_FOUND': 'This connection attempt has expired. Start again for a new link.',

  // Server (packages/server): what the AWS verifier's verdicts tell the user.
  'server.stsRegionDisabled':
    'AWS STS is off in {region} for account {accountId}. Activate it in IAM account settings, then check again.',
  'server.templateOutdated':
    'The {stackName} stack uses template {found}; the latest is {current}. Update the stack.',

  // Domain (regions, links, role ARNs) and the permission catalog's titles and descriptions.
  'region.invalid': '"{region}" is not an AWS region such as us-east-1.',
  'region.isolated': '{region} is in an isolated partition, which is not supported.',
  'partition.unknown': 'Use the partition aws, aws-us-gov or aws-cn.',
  'link.templateUrl':
    'Use an https: template URL on Amazon S3 in the partition of {region}, or an allowed origin.',
  'link.consoleBaseUrl': 'consoleBaseUrl must be an origin such as http://127.0.0.1:4566.',
  'link.stackName': 'A stack name is a letter, then up to 127 letters, digits or hyphens.',
  'link.parameter': 'Parameter "{name}" is missing or not valid.',
  'roleArn.roleName': 'A role name is 1-64 letters, digits or _+=,.@- characters.',
  'permission.eks.title': 'EKS clusters',
  'permission.eks.description': 'Create, upgrade and delete the Kubernetes clusters Porter runs.',
  'permission.network.title': 'VPCs, subnets and security groups',
  'permission.network.description': 'Build and remove the network each cluster lives in.',
  'permission.ecr.title': 'ECR repositories',
  'permission.ecr.description': 'Store the container images Porter builds and deploys.',
  'permission.iam.title': 'IAM roles for cluster operations',
  'permission.iam.description': 'Create the roles EKS and its nodes need, and hand them to EKS.',
  'permission.quotas.title': 'Service quota increases',
  'permission.quotas.description': 'Ask AWS for higher limits when a cluster needs them.',
  'permission.stack.title': 'This stack',
  'permission.stack.description': 'Read the PorterRole stack, to confirm its template version.',

  // The connection machine (src/machine): status lines by step, announced politely.
  'status.editing': 'Enter the 12-digit ID of the AWS account to connect.',
  'status.creatingSession': 'Preparing your link to the AWS console…',
  'status.ready': 'Open the AWS console and create the PorterRole stack.',
  'status.verifying': 'Waiting for the stack. This usually takes two to three minutes.',
  'status.slow':
    'This is taking longer than usual. Check the stack in the CloudFormation console; we keep checking.',
  'status.connected': 'Connected to AWS account {accountId}.',
  'status.checkingBlockers': 'Checking for clusters that use this account…',
  'status.deletingStack':
    'Delete the PorterRole stack in the CloudFormation console to remove access.',
  'status.confirming': 'Waiting for the stack to be deleted…',
  'status.revoked': 'Porter no longer has access to AWS account {accountId}.',
  'machine.popupBlocked':
    'Your browser blocked the new window. Use the link to open the AWS console.',
  'machine.badResponse': 'The server sent an answer we could not read ({detail}).',
} as const;

/** A stable message id. */
export type MessageId = keyof typeof defaultMessages;

/** Per-id overrides a host passes to translate or reword any message. */
export type MessageOverrides = Partial<Record<MessageId, string>>;

/**
 * The message for an id, with `{name}` placeholders filled in. Overrides win; an unknown
 * placeholder is left as written so a mistranslation is visible, never a crash.
 */
export function messageFor(
  id: MessageId,
  values?: Readonly<Record<string, string | number>>,
  overrides?: MessageOverrides,
): string {
  const template = overrides?.[id] ?? defaultMessages[id];
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}
