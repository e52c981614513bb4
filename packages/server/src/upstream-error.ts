/**
 * AWS answered something no verdict can be drawn from (an unknown error, a malformed reply).
 * The handler turns it into 502 `UPSTREAM`; the message names the AWS error, never credentials.
 */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly code = 'UPSTREAM';
  /** The AWS error name, when there was one (`InternalFailure`, ...). */
  readonly awsErrorName: string | undefined;
  /** The AWS request id, for support tickets. */
  readonly requestId: string | undefined;

  constructor(
    message: string,
    details: { awsErrorName?: string; requestId?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.awsErrorName = details.awsErrorName;
    this.requestId = details.requestId;
  }
}
