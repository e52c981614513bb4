// CloudFormation's custom resource protocol, as it arrives in an SNS notification's Message and
// as it is answered: a PUT of a JSON body to the presigned S3 ResponseURL.

import { parseCallbackUrl } from './callback-url';

/** A custom resource request, its fields checked for type. */
export interface CustomResourceRequest {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  ResourceType: string;
  PhysicalResourceId?: string;
  ResourceProperties: Readonly<Record<string, unknown>>;
}

const REQUEST_TYPES: readonly string[] = ['Create', 'Update', 'Delete'];

/** The notification's Message as a custom resource request, or null. */
export function parseCustomResourceRequest(message: string): CustomResourceRequest | null {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const request = value as Record<string, unknown>;
  const strings = ['ResponseURL', 'StackId', 'RequestId', 'LogicalResourceId', 'ResourceType'];
  if (!strings.every((key) => typeof request[key] === 'string')) return null;
  if (!REQUEST_TYPES.includes(request.RequestType as string)) return null;
  if (request.PhysicalResourceId !== undefined && typeof request.PhysicalResourceId !== 'string') {
    return null;
  }
  const properties = request.ResourceProperties ?? {};
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties))
    return null;
  return {
    ...(request as unknown as CustomResourceRequest),
    ResourceProperties: properties as Record<string, unknown>,
  };
}

// The bucket CloudFormation presigns answers in: cloudformation-custom-resource-response-<region>.
const RESPONSE_HOST =
  /^cloudformation-custom-resource-response-[a-z0-9]+\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/;

/** Whether a ResponseURL is CloudFormation's presigned S3 URL (or on the sandbox origin, when allowed). */
export function isResponseUrl(value: string, sandboxOrigin?: string): boolean {
  const url = parseCallbackUrl(value);
  if (!url) return false;
  if (sandboxOrigin !== undefined && url.origin === sandboxOrigin) return true;
  return url.protocol === 'https:' && url.port === '' && RESPONSE_HOST.test(url.hostname);
}

/** The account of a CloudFormation stack ARN, or null. */
export function accountOfStackId(stackId: string): string | null {
  const match =
    /^arn:aws(?:-us-gov|-cn)?:cloudformation:[a-z0-9-]+:(\d{12}):stack\/[\w-]+\/[\w-]+$/.exec(
      stackId,
    );
  return match?.[1] ?? null;
}

/**
 * Answers a request with SUCCESS: the customer's stack goes on whatever the vendor made of the
 * event. The PhysicalResourceId stays what CloudFormation knows (on Update and Delete), so an
 * update never replaces the resource. No content type: the URL is presigned without one.
 */
export async function answerSuccess(
  request: CustomResourceRequest,
  fetchFn: typeof fetch,
  options: { reason: string; timeoutMs: number },
): Promise<boolean> {
  const body = JSON.stringify({
    Status: 'SUCCESS',
    Reason: options.reason,
    PhysicalResourceId:
      request.PhysicalResourceId ??
      `cloud-connect-${request.LogicalResourceId}-${request.RequestId}`.slice(0, 1024),
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
  });
  const bytes = new TextEncoder().encode(body);
  // Two tries: S3 answers a presigned PUT at once, and CloudFormation waits for nothing else.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const response = await fetchFn(request.ResponseURL, {
        method: 'PUT',
        body: bytes,
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await response.body?.cancel().catch(() => {});
      if (response.ok) return true;
    } catch {
      // Network failure or timeout: the second try, then the caller logs it.
    }
  }
  return false;
}
