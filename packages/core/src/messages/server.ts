/** What the server's AWS verifier tells the user about its verdicts. */
export const serverMessages = {
  'server.stsRegionDisabled':
    'AWS STS is off in {region} for account {accountId}. Activate it in IAM account settings, then check again.',
  'server.templateOutdated':
    'The {stackName} stack uses template {found}; the latest is {current}. Update the stack.',
} as const;
