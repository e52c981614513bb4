/** The connection machine's status lines by step (announced politely) and its popup notice. */
export const statusMessages = {
  'status.editing': 'Enter the 12-digit ID of the AWS account to connect.',
  'status.creatingSession': 'Preparing your link to the AWS console…',
  'status.ready': 'Open the AWS console and create the PorterRole stack.',
  'status.verifying': 'Waiting for the stack. This usually takes two to three minutes.',
  'status.stackCreating': 'The stack is being created. This usually takes a minute or two.',
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
} as const;
