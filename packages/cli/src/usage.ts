/** The commands `porter-connect` knows. */
export type CommandName = 'template' | 'link' | 'connect' | 'status' | 'revoke';

export const COMMAND_NAMES: readonly CommandName[] = [
  'template',
  'link',
  'connect',
  'status',
  'revoke',
];

const BACKEND_OPTIONS = `Backend (one of):
  --server URL          The Cloud Connect handler's base URL, e.g. https://app.example.com/api/cloud-connect
  --header 'Name: value'  A request header for --server, e.g. 'Authorization: Bearer $TOKEN' (repeatable)
  --sandbox             Start a local sandbox AWS and server in this process instead
  --scenario NAME       With --sandbox: normal, rollback, no-external-id, throttle or slow-propagation`;

const OUTPUT_OPTIONS = `Output:
  --json                One JSON object per line (events, state changes, the result) instead of text
  --timing JSON         Override waits in milliseconds, e.g. '{"firstCheckMs":500,"stackCreateMs":200}'
                        (for tests and demos: machine timing keys, and sandbox timing keys with --sandbox)
  -h, --help            Show this help`;

/** The help text of the program. */
export const PROGRAM_USAGE = `Usage: porter-connect <command> [options]

Connect an AWS account to Porter from a terminal or a script.

Commands:
  template   Print the CloudFormation template that creates Porter's role
  link       Print the CloudFormation quick-create link for an account
  connect    Create a session, print the link, and wait until Porter can assume the role
  status     Check once whether Porter can assume the role in an account
  revoke     Guide the stack's deletion and confirm that Porter's access is gone

Run 'porter-connect <command> --help' for a command's options.

Exit codes:
  0 done (connected, revoked)   1 unexpected error          2 bad arguments
  3 configuration or sign-in    4 the AWS account needs a fix   5 vendor credentials
  6 timed out                   7 server unreachable or rate limited
  8 not connected (status)      130 interrupted (state saved; resume with --resume)`;

/** The help text of each command. */
export const COMMAND_USAGE: Record<CommandName, string> = {
  template: `Usage: porter-connect template [--preset standard|restricted] [--format json|yaml]

Print the CloudFormation template that creates the porter-manager role.

Options:
  --preset NAME         standard (default) or restricted (scoped to named and tagged resources)
  --format NAME         json (default) or yaml
  -h, --help            Show this help`,

  link: `Usage: porter-connect link --account ID --external-id ID --principal ARN --template-url URL [options]

Print the CloudFormation quick-create link that creates Porter's role in an account.

Options:
  --account ID          The customer's 12-digit AWS account ID
  --external-id ID      The ExternalId the role will require (your server stores it per account)
  --principal ARN       The vendor principal the role trusts (the template's TrustedPrincipalArn)
  --template-url URL    Where the role template is served (https: on Amazon S3)
  --region NAME         The region of the stack (default us-east-1)
  --stack-name NAME     The stack's name (default PorterRole)
  --console-base-url URL  An origin standing in for the AWS console (a sandbox)
  --json                Print {"url", "roleArn"} as JSON
  -h, --help            Show this help`,

  connect: `Usage: porter-connect connect --account ID (--server URL [--header H] | --sandbox [--auto]) [options]

Create (or fetch) the account's session, print the quick-create link, open it in a browser
where one can be opened, and check until Porter can assume the role. Exits 0 when connected.

Options:
  --account ID          The AWS account to connect
  --auto                With --sandbox: play the customer too (create the stack), for a demo
  --no-open             Do not open the link in a browser
  --state FILE          Where Ctrl-C saves the flow (default ./porter-connect-<account>.state.json)
  --resume              Continue from the state file instead of starting over

${BACKEND_OPTIONS}

${OUTPUT_OPTIONS}`,

  status: `Usage: porter-connect status --account ID (--server URL [--header H] | --sandbox) [options]

Check once whether Porter can assume the role in an account. Exits 0 when connected and 8
when it is not (yet); other codes when the check failed.

Options:
  --account ID          The AWS account to check

${BACKEND_OPTIONS}

${OUTPUT_OPTIONS}`,

  revoke: `Usage: porter-connect revoke --account ID (--server URL [--header H] | --sandbox) [options]

Check that nothing blocks the revocation (clusters), print the link to delete the stack, and
wait until Porter can no longer assume the role. Exits 0 once access is gone.

Options:
  --account ID          The AWS account to revoke Porter's access to
  --no-open             Do not open the stack list in a browser

${BACKEND_OPTIONS}

${OUTPUT_OPTIONS}`,
};
