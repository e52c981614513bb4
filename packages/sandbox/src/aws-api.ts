/** The AWS endpoint: Query-protocol requests for STS and CloudFormation, SigV4-verified. */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SandboxClock } from './clock';
import type { CloudState } from './cloud-state';
import {
  CLOUDFORMATION_XMLNS,
  cloudFormationResourceOf,
  runCloudFormationAction,
} from './cloudformation';
import type { SandboxResponse } from './http-response';
import type { CallerIdentity, CredentialStore } from './identities';
import { isAllowedByPolicies } from './permission-policy';
import {
  AwsError,
  parseQueryString,
  renderError,
  renderResponse,
  serviceNotImplemented,
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
  /** Check calls made with assumed-role credentials against the role's permission policies. */
  enforceRolePermissions: boolean;
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
  // One instant per request: credential expiry, permissions and the action all see it.
  const now = context.clock.now();
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
      now,
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
    if (context.enforceRolePermissions && caller.identity.kind === 'assumed-role') {
      const resource =
        caller.service === 'sts'
          ? action === 'AssumeRole'
            ? params.get('RoleArn')
            : undefined
          : cloudFormationResourceOf(action, params, caller.region, caller.identity.accountId);
      if (resource !== undefined) {
        authorizeRoleSession(
          context,
          now,
          caller.identity,
          `${caller.service}:${action}`,
          resource,
          caller.region,
        );
      }
    }
    let result: XmlValue;
    if (caller.service === 'sts') {
      result = runStsAction(action, params, {
        state: context.state,
        credentials: context.credentials,
        caller: caller.identity,
        temporary: caller.temporary,
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
      throw serviceNotImplemented(caller.service);
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
  const response = xmlResponse(413, renderError(error, STS_XMLNS, requestId), requestId);
  return { ...response, headers: { ...response.headers, connection: 'close' } };
}

/** Refuses a role session's call that its role's permission policies do not allow, as IAM does. */
function authorizeRoleSession(
  context: AwsApiContext,
  now: number,
  caller: Extract<CallerIdentity, { kind: 'assumed-role' }>,
  action: string,
  resource: string,
  region: string,
): void {
  context.state.settle(now);
  const role = context.state.role(caller.roleArn);
  // A session outlives its role's deletion, but a role made again under the same name is another role.
  const policies =
    role && caller.userId.startsWith(`${role.roleId}:`) ? role.permissionPolicies : [];
  const request = {
    action,
    resource,
    context: {
      'aws:PrincipalArn': caller.roleArn,
      'aws:PrincipalAccount': caller.accountId,
      'aws:RequestedRegion': region,
      'aws:SourceIdentity': caller.sourceIdentity,
      ...principalTags(caller.tags),
    },
  };
  // Session policies narrow the role's: a call needs both to allow it.
  const refusedBy = !isAllowedByPolicies(policies, request)
    ? 'identity-based'
    : caller.sessionPolicies && !isAllowedByPolicies(caller.sessionPolicies, request)
      ? 'session'
      : undefined;
  if (refusedBy !== undefined) {
    throw new AwsError(
      'AccessDenied',
      `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} because no ${refusedBy} policy allows the ${action} action`,
      403,
    );
  }
}

function principalTags(tags: Readonly<Record<string, string>> = {}): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) context[`aws:PrincipalTag/${key}`] = value;
  return context;
}

function internalFailure(): AwsError {
  return new AwsError(
    'InternalFailure',
    'The request processing has failed because of an unknown error, exception or failure.',
    500,
    'Receiver',
  );
}

// Node's server adds the Date header itself.
function xmlResponse(status: number, xml: string, requestId: string): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
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
