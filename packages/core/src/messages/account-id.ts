/** Account ID messages: why `parseAccountId` refused an input. */
export const accountIdMessages = {
  'accountId.empty': 'Enter your 12-digit AWS account ID.',
  'accountId.invalidCharacters':
    'An AWS account ID has only the digits 0-9 (spaces and hyphens are fine). Remove {character}.',
  'accountId.notText': 'Enter the account ID as text: a number would lose its leading zeros.',
  'accountId.wrongLength':
    'An AWS account ID has exactly 12 digits; this one has {count}. Copy it from the account menu in the top-right corner of the AWS console.',
} as const;
