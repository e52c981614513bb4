/** Error messages, one per `CloudConnectErrorCode`, and the HTTP client's unreadable-answer message. */
export const errorMessages = {
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
  'machine.badResponse': 'The server sent an answer we could not read ({detail}).',
} as const;
