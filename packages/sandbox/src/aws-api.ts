/** The AWS endpoint: Query-protocol requests for STS and CloudFormation, SigV4-verified. */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SandboxClock } from './clock';
import type { CloudState } from './cloud-state';
import { CLOUDFORMATION_XMLNS, runCloudFormationAction } from './cloudformation';
import type { SandboxResponse } from './http-response';
import type { CredentialStore } from './identities';
import {
  AwsError,
  parseQueryString,
  renderError,
  renderResponse,
  type XmlValue,
} from './query-protocol';
import type { SandboxScenario, SandboxTiming } from './scenarios';
import { verifySignature } from './sigv4';
import { runStsAction, STS_XMLNS } from './sts';
import type { CloudFormationTemplate } from './template-evaluator';

/** What the AWS endpoint reads and changes. */
export interface AwsApiContext {
  state: CloudState;
  credentials: CredentialStore;
  clock: SandboxClock;
  timing: SandboxTiming;
  scenario(): SandboxScenario;
  /** Counts an authenticated call; true when the throttle scenario refuses this one. */
  isThrottled(): boolean;
  loadTemplate(url: string): CloudFormationTemplate | undefined;
}

/** Answers one Query-protocol request (`POST /`, or `GET /?Action=...`). Never throws. */
export async function handleAwsRequest(
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  body: Buffer,
  context: AwsApiContext,
): Promise<SandboxResponse> {
  const requestId = randomUUID();
  // Until the signature names the service, guess the namespace from the API version.
  let xmlns = STS_XMLNS;
  try {
    const isForm = String(headers['content-type'] ?? '')
      .toLowerCase()
      .startsWith('application/x-www-form-urlencoded');
    const params = parseQueryString(
      method === 'POST' && isForm ? body.toString('utf8') : url.search.slice(1),
    );
    if (params.get('Version') === '2010-05-15') xmlns = CLOUDFORMATION_XMLNS;
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) query[key] = value;
    const caller = await verifySignature(
      { method, path: safeDecodePath(url.pathname), query, headers, body },
      context.credentials,
      context.clock.now(),
    );
    xmlns = caller.service === 'cloudformation' ? CLOUDFORMATION_XMLNS : STS_XMLNS;
    if (context.scenario() === 'throttle' && context.isThrottled()) {
      throw new AwsError('Throttling', 'Rate exceeded');
    }
    const action = params.get('Action');
    if (action === undefined || action === '') {
      throw new AwsError('MissingAction', 'The request must contain the parameter Action.');
    }
    if (params.get('Version') === undefined) {
      throw new AwsError('MissingParameter', 'The request must contain the parameter Version.');
    }
    const now = context.clock.now();
    let result: XmlValue;
    if (caller.service === 'sts') {
      result = runStsAction(action, params, {
        state: context.state,
        credentials: context.credentials,
        caller: caller.identity,
        now,
      });
    } else if (caller.service === 'cloudformation') {
      result = runCloudFormationAction(action, params, {
        state: context.state,
        caller: caller.identity,
        region: caller.region,
        now,
        scenario: context.scenario(),
        timing: context.timing,
        loadTemplate: context.loadTemplate,
      });
    } else {
      throw new AwsError(
        'InvalidAction',
        `The sandbox does not serve the ${caller.service} service.`,
      );
    }
    return xmlResponse(200, renderResponse(action, xmlns, result, requestId), requestId);
  } catch (error) {
    if (!(error instanceof AwsError)) {
      console.error('[cloud-connect-sandbox] unexpected error', error);
    }
    const awsError = error instanceof AwsError ? error : internalFailure();
    return xmlResponse(awsError.status, renderError(awsError, xmlns, requestId), requestId);
  }
}

/** AWS's answer to a request body over the limit (sent without reading the request). */
export function tooLargeResponse(maxBodyBytes: number): SandboxResponse {
  const requestId = randomUUID();
  const error = new AwsError(
    'RequestEntityTooLarge',
    `Request body must be at most ${maxBodyBytes} bytes.`,
    413,
  );
  return {
    ...xmlResponse(413, renderError(error, STS_XMLNS, requestId), requestId),
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, connection: 'close' },
  };
}

function internalFailure(): AwsError {
  return new AwsError(
    'InternalFailure',
    'The request processing has failed because of an unknown error, exception or failure.',
    500,
    'Receiver',
  );
}

function xmlResponse(status: number, xml: string, requestId: string): SandboxResponse {
  return {
    status,
    headers: {
      'content-type': 'text/xml',
      'x-amzn-requestid': requestId,
      date: new Date().toUTCString(),
    },
    body: xml,
  };
}

function safeDecodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
