import type { CloudConnectErrorCode } from '@porter/cloud-connect';

/**
 * What `porter-connect` exits with. Each error class has its own code, so a script can tell
 * "fix the setup" from "the customer must fix their stack" from "try again later".
 */
export const EXIT_CODES = {
  /** The command reached its goal: connected (`connect`, `status`), revoked (`revoke`), help. */
  OK: 0,
  /** Something unexpected: a bug, or an answer the command could not read. */
  UNEXPECTED: 1,
  /** Bad arguments (also an account ID that is not one, or a state file of another account). */
  USAGE: 2,
  /** The integration's configuration or sign-in is wrong: the host must fix it. */
  CONFIGURATION: 3,
  /** The customer's AWS account needs a fix (a failed or unsafe stack, STS off, clusters left). */
  CUSTOMER: 4,
  /** The vendor's own AWS credentials are broken. */
  VENDOR: 5,
  /** Verification stopped after the timeout; running again resumes it. */
  TIMED_OUT: 6,
  /** The server could not be reached or asked to slow down; running again may work. */
  UNAVAILABLE: 7,
  /** `status`: the account is not connected (yet). */
  NOT_CONNECTED: 8,
  /** Interrupted (Ctrl-C); the state file holds what `--resume` continues from. */
  INTERRUPTED: 130,
} as const;

/** One of the exit codes in {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

// The class of every stable error code. Codes core does not have yet may be listed (the CLI may
// run against an older core); the check below fails the typecheck when core has one missing here.
const EXIT_CODE_OF_ERROR = {
  INVALID_ACCOUNT_ID: EXIT_CODES.USAGE,
  UNAUTHORIZED: EXIT_CODES.CONFIGURATION,
  MISCONFIGURED: EXIT_CODES.CONFIGURATION,
  INVALID_SNAPSHOT: EXIT_CODES.CONFIGURATION,
  SESSION_NOT_FOUND: EXIT_CODES.CONFIGURATION,
  STACK_FAILED: EXIT_CODES.CUSTOMER,
  EXTERNAL_ID_NOT_ENFORCED: EXIT_CODES.CUSTOMER,
  STS_REGION_DISABLED: EXIT_CODES.CUSTOMER,
  REVOKE_BLOCKED: EXIT_CODES.CUSTOMER,
  ACCESS_LOST: EXIT_CODES.CUSTOMER,
  VENDOR_CREDENTIALS: EXIT_CODES.VENDOR,
  TIMED_OUT: EXIT_CODES.TIMED_OUT,
  NETWORK: EXIT_CODES.UNAVAILABLE,
  RATE_LIMITED: EXIT_CODES.UNAVAILABLE,
  SESSION_FAILED: EXIT_CODES.UNAVAILABLE,
} as const satisfies Record<string, ExitCode>;

type Unclassified = Exclude<CloudConnectErrorCode, keyof typeof EXIT_CODE_OF_ERROR>;
// Fails to compile, naming the code, when core has an error code without an exit code.
const everyCodeClassified: [Unclassified] extends [never] ? true : Unclassified = true;
void everyCodeClassified;

/** The exit code of an error class. */
export function exitCodeOf(code: CloudConnectErrorCode): ExitCode {
  return EXIT_CODE_OF_ERROR[code];
}
