import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CallerIdentity, CredentialStore } from './identities';
import { AwsError } from './query-protocol';

/** The parts of an HTTP request a SigV4 signature covers. */
export interface SignedRequest {
  method: string;
  /** The path without the query string, as sent. */
  path: string;
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
}

/** What a valid signature proves: who signed, and for which region and service. */
export interface VerifiedCaller {
  identity: CallerIdentity;
  region: string;
  service: string;
}

const AUTHORIZATION_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;

/** Clock skew AWS tolerates between the signature's date and its own time. */
const MAX_SKEW_MS = 15 * 60 * 1000;

/**
 * Verifies a request's SigV4 signature by signing it again with the SDK's own signer and the
 * secret the sandbox holds for the access key, so misconfigured clients fail as on AWS.
 * `now` decides whether temporary credentials have expired; the date check uses the wall
 * clock, because the client signs with the wall clock whatever the sandbox's clock says.
 */
export async function verifySignature(
  request: SignedRequest,
  store: CredentialStore,
  now: number,
): Promise<VerifiedCaller> {
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization === undefined) {
    throw new AwsError(
      'MissingAuthenticationToken',
      'Request is missing Authentication Token',
      403,
    );
  }
  const match = AUTHORIZATION_PATTERN.exec(authorization.trim());
  if (!match) {
    throw new AwsError(
      'IncompleteSignature',
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${authorization}`,
    );
  }
  const [
    ,
    accessKeyId = '',
    scopeDate = '',
    region = '',
    service = '',
    signedHeaderList = '',
    signature = '',
  ] = match;
  // AWS refuses a signature that leaves the host out: it could be replayed against another host.
  if (!signedHeaderList.split(';').includes('host')) {
    throw new AwsError(
      'IncompleteSignature',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  const amzDate = headerValue(request.headers, 'x-amz-date');
  if (amzDate === undefined || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    throw new AwsError(
      'IncompleteSignature',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  const signingDate = parseAmzDate(amzDate);
  if (Number.isNaN(signingDate.getTime())) {
    throw new AwsError(
      'IncompleteSignature',
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`,
    );
  }
  const sessionToken = headerValue(request.headers, 'x-amz-security-token');
  const resolved = store.resolve(accessKeyId, sessionToken, now);
  if (!resolved.ok) {
    if (resolved.problem === 'ExpiredToken') {
      throw new AwsError(
        'ExpiredToken',
        'The security token included in the request is expired',
        403,
      );
    }
    throw new AwsError(
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
      403,
    );
  }
  if (Math.abs(Date.now() - signingDate.getTime()) > MAX_SKEW_MS) {
    throw new AwsError(
      'SignatureDoesNotMatch',
      `Signature expired: ${amzDate} is now earlier or later than the allowed 15 minutes of skew.`,
      403,
    );
  }

  const signedHeaders = signedHeaderList.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  const payloadHash = await sha256Hex(request.body);
  // A client may claim any payload hash; sign with the real one so a tampered body fails.
  if ('x-amz-content-sha256' in headers) headers['x-amz-content-sha256'] = payloadHash;

  const signer = new SignatureV4({
    credentials: resolved.credentials,
    region,
    service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const expected = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: headers.host ?? '',
      path: request.path,
      query: request.query,
      headers,
      body: request.body,
    },
    {
      signingDate,
      signingRegion: region,
      signingService: service,
      signableHeaders: new Set(signedHeaders),
    },
  );
  const expectedMatch = AUTHORIZATION_PATTERN.exec(String(expected.headers.authorization ?? ''));
  const expectedSignature = expectedMatch?.[6] ?? '';
  const sameHeaders = expectedMatch?.[5] === signedHeaderList;
  if (scopeDate !== amzDate.slice(0, 8) || !sameHeaders || !sameHex(expectedSignature, signature)) {
    throw new AwsError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      403,
    );
  }
  return { identity: resolved.identity, region, service };
}

// Own headers only: Node's headers object inherits `constructor` and the like.
function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(value: string): Date {
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(9, 11)}:${value.slice(11, 13)}:${value.slice(13, 15)}Z`;
  return new Date(iso);
}

async function sha256Hex(data: Uint8Array): Promise<string> {
  const hash = new Sha256();
  hash.update(data);
  return Buffer.from(await hash.digest()).toString('hex');
}

function sameHex(a: string, b: string): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
