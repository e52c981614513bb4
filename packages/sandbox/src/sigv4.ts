import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CallerIdentity, CredentialStore, SandboxCredentials } from './identities';
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
  /** Whether the request was signed with temporary credentials (a session token). */
  temporary: boolean;
}

/** What a request claims about its signature, from the Authorization header or the query. */
interface SignatureClaim {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaderList: string;
  signature: string;
  amzDate: string;
  sessionToken: string | undefined;
  /** A presigned request's X-Amz-Expires, in seconds. */
  expiresIn?: number;
}

const AUTHORIZATION_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;
const CREDENTIAL_PATTERN = /^([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request$/;
const SIGNED_HEADERS_PATTERN = /^[a-z0-9;_.-]+$/;
const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;

/** The query parameters of a presigned request (SigV4 in the query string). */
const PRESIGN_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
] as const;

/** Clock skew AWS tolerates between the signature's date and its own time. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** The longest X-Amz-Expires SigV4 allows: seven days. */
const MAX_PRESIGN_SECONDS = 604_800;

/**
 * Verifies a request's SigV4 signature (in the Authorization header, or presigned in the query
 * string) by signing it again with the SDK's own signer and the secret the sandbox holds for
 * the access key, so misconfigured clients fail as on AWS. `now` decides whether temporary
 * credentials have expired; the date checks use the wall clock, because the client signs with
 * the wall clock whatever the sandbox's clock says.
 */
export async function verifySignature(
  request: SignedRequest,
  store: CredentialStore,
  now: number,
): Promise<VerifiedCaller> {
  const claim = isPresigned(request.query) ? presignedClaim(request) : headerClaim(request);
  // AWS refuses a signature that leaves the host out: it could be replayed against another host.
  if (!claim.signedHeaderList.split(';').includes('host')) {
    throw new AwsError(
      'IncompleteSignature',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  const signingDate = parseAmzDate(claim.amzDate);
  if (Number.isNaN(signingDate.getTime())) {
    throw new AwsError(
      'IncompleteSignature',
      `Date must be in ISO-8601 'basic format'. Got '${claim.amzDate}'.`,
    );
  }
  const resolved = store.resolve(claim.accessKeyId, claim.sessionToken, now);
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
  const wallClock = Date.now();
  if (claim.expiresIn !== undefined) {
    if (wallClock > signingDate.getTime() + claim.expiresIn * 1000) {
      throw new AwsError('RequestExpired', 'Request has expired.');
    }
    if (signingDate.getTime() - wallClock > MAX_SKEW_MS) {
      throw new AwsError(
        'SignatureDoesNotMatch',
        `Signature not yet current: ${claim.amzDate} is still later than the allowed 15 minutes of skew.`,
        403,
      );
    }
  } else if (Math.abs(wallClock - signingDate.getTime()) > MAX_SKEW_MS) {
    throw new AwsError(
      'SignatureDoesNotMatch',
      `Signature expired: ${claim.amzDate} is now earlier or later than the allowed 15 minutes of skew.`,
      403,
    );
  }

  const expected = await expectedSignature(request, claim, resolved.credentials, signingDate);
  if (
    claim.scopeDate !== claim.amzDate.slice(0, 8) ||
    expected.signedHeaderList !== claim.signedHeaderList ||
    !sameHex(expected.signature, claim.signature)
  ) {
    throw new AwsError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      403,
    );
  }
  return {
    identity: resolved.identity,
    region: claim.region,
    service: claim.service,
    temporary: resolved.temporary,
  };
}

function isPresigned(query: SignedRequest['query']): boolean {
  return Object.hasOwn(query, 'X-Amz-Algorithm') || Object.hasOwn(query, 'X-Amz-Signature');
}

function headerClaim(request: SignedRequest): SignatureClaim {
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
  const amzDate = headerValue(request.headers, 'x-amz-date');
  if (amzDate === undefined || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    throw new AwsError(
      'IncompleteSignature',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaderList,
    signature,
    amzDate,
    sessionToken: headerValue(request.headers, 'x-amz-security-token'),
  };
}

function presignedClaim(request: SignedRequest): SignatureClaim {
  const param = (name: (typeof PRESIGN_PARAMS)[number]) => {
    const value = Object.hasOwn(request.query, name) ? request.query[name] : undefined;
    return Array.isArray(value) ? value[0] : value;
  };
  const incomplete = () =>
    new AwsError(
      'IncompleteSignature',
      "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'. Re-examine the query-string parameters.",
    );
  const credential = CREDENTIAL_PATTERN.exec(param('X-Amz-Credential') ?? '');
  const signedHeaderList = param('X-Amz-SignedHeaders') ?? '';
  const signature = param('X-Amz-Signature') ?? '';
  const amzDate = param('X-Amz-Date') ?? '';
  const expiresText = param('X-Amz-Expires') ?? '';
  if (
    param('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' ||
    !credential ||
    !SIGNED_HEADERS_PATTERN.test(signedHeaderList) ||
    !SIGNATURE_PATTERN.test(signature) ||
    !/^\d{8}T\d{6}Z$/.test(amzDate) ||
    !/^\d{1,7}$/.test(expiresText)
  ) {
    throw incomplete();
  }
  const expiresIn = Number(expiresText);
  if (expiresIn < 1 || expiresIn > MAX_PRESIGN_SECONDS) {
    throw new AwsError(
      'AuthorizationQueryParametersError',
      'X-Amz-Expires must be less than a week (in seconds) that is 604800',
    );
  }
  const [, accessKeyId = '', scopeDate = '', region = '', service = ''] = credential;
  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaderList,
    signature,
    amzDate,
    sessionToken: param('X-Amz-Security-Token'),
    expiresIn,
  };
}

/** Signs the request again as the claim says it was signed; the signature and signed headers. */
async function expectedSignature(
  request: SignedRequest,
  claim: SignatureClaim,
  credentials: SandboxCredentials,
  signingDate: Date,
): Promise<{ signature: string; signedHeaderList: string }> {
  const signedHeaders = claim.signedHeaderList.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  const signer = new SignatureV4({
    credentials,
    region: claim.region,
    service: claim.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const options = {
    signingDate,
    signingRegion: claim.region,
    signingService: claim.service,
    signableHeaders: new Set(signedHeaders),
  };
  if (claim.expiresIn !== undefined) {
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.query)) {
      if (!(PRESIGN_PARAMS as readonly string[]).includes(name)) query[name] = value;
    }
    const presigned = await signer.presign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: headers.host ?? '',
        path: request.path,
        query,
        headers,
        body: request.body,
      },
      { ...options, expiresIn: claim.expiresIn },
    );
    return {
      signature: String(presigned.query?.['X-Amz-Signature'] ?? ''),
      signedHeaderList: String(presigned.query?.['X-Amz-SignedHeaders'] ?? ''),
    };
  }
  // A client may claim any payload hash; sign with the real one so a tampered body fails.
  if ('x-amz-content-sha256' in headers)
    headers['x-amz-content-sha256'] = await sha256Hex(request.body);
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: headers.host ?? '',
      path: request.path,
      query: request.query,
      headers,
      body: request.body,
    },
    options,
  );
  const match = AUTHORIZATION_PATTERN.exec(String(signed.headers.authorization ?? ''));
  return { signature: match?.[6] ?? '', signedHeaderList: match?.[5] ?? '' };
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
