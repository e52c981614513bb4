import { request as httpRequest } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Sandbox, SandboxCredentials } from '../src/index';

/** A response read to the end. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends one HTTP request with Node's client (no header normalisation beyond Node's own). */
export function send(
  url: string,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  } = {},
): Promise<RawResponse> {
  const target = options.path === undefined ? new URL(url) : new URL(options.path, url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      target,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Signs a Query-protocol POST the way the SDK does, then lets a test tamper with it. */
export async function signedQuery(
  sandbox: Sandbox,
  body: string,
  options: {
    credentials?: SandboxCredentials;
    service?: string;
    region?: string;
    contentType?: string;
    /** Headers left out of the signature (the signer signs every header otherwise). */
    unsignedHeaders?: string[];
    tamper?: (signed: { headers: Record<string, string>; body: string }) => void;
  } = {},
): Promise<RawResponse> {
  const url = new URL(sandbox.url);
  const headers: Record<string, string> = {
    host: url.host,
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
  };
  const signer = new SignatureV4({
    credentials: options.credentials ?? sandbox.vendorCredentials,
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'sts',
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers,
      body,
    },
    { unsignableHeaders: new Set(options.unsignedHeaders ?? []) },
  );
  const outgoing = { headers: { ...(signed.headers as Record<string, string>) }, body };
  options.tamper?.(outgoing);
  return send(sandbox.url, { method: 'POST', headers: outgoing.headers, body: outgoing.body });
}

/** The `<Code>` and `<Message>` of an AWS error document. */
export function awsErrorOf(response: RawResponse): {
  code?: string;
  message?: string;
  requestId?: string;
} {
  const text = (element: string) => {
    const raw = new RegExp(`<${element}>([^<]*)</${element}>`).exec(response.body)?.[1];
    return raw?.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => XML_TEXT[name] ?? '');
  };
  return { code: text('Code'), message: text('Message'), requestId: text('RequestId') };
}

const XML_TEXT: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
