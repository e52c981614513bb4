import { connect } from 'node:net';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index';
import { awsErrorOf, send, signedQuery } from './raw-requests';
import { clientsFor } from './sandbox-clients';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ maxBodyBytes: 64 * 1024 });
});
afterAll(() => sandbox.close());

async function stillServes(): Promise<void> {
  const { sts } = clientsFor(sandbox, sandbox.vendorCredentials);
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  expect(identity.Arn).toBe(sandbox.vendorPrincipalArn);
}

describe('requests AWS refuses, answered as AWS answers them', () => {
  it('an operation the sandbox does not serve: NotImplemented 501 naming the sandbox, never AWS\'s "Could not find operation"', async () => {
    const response = await signedQuery(sandbox, 'Action=LaunchRockets&Version=2011-06-15');
    expect(response.status).toBe(501);
    expect(response.headers['content-type']).toBe('text/xml');
    expect(response.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><Error><Type>Receiver<\/Type><Code>NotImplemented<\/Code><Message>[^<]+<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    );
    const { message } = awsErrorOf(response);
    expect(message).toContain('The Cloud Connect sandbox does not implement STS LaunchRockets');
    expect(message).toContain('docs/sandbox.md');
    expect(message).not.toContain('Could not find operation');
    expect(response.headers['x-amzn-requestid']).toBe(awsErrorOf(response).requestId);
  });

  it('an unserved CloudFormation operation: NotImplemented in the CloudFormation namespace', async () => {
    const response = await signedQuery(sandbox, 'Action=ListExports&Version=2010-05-15', {
      service: 'cloudformation',
    });
    expect(response.status).toBe(501);
    expect(awsErrorOf(response).code).toBe('NotImplemented');
    expect(awsErrorOf(response).message).toContain(
      'does not implement CloudFormation ListExports. It serves CloudFormation: CreateStack',
    );
    expect(response.body).toContain('xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"');
  });

  it('a service the sandbox does not serve: NotImplemented naming the service', async () => {
    const response = await signedQuery(sandbox, 'Action=ListBuckets&Version=2006-03-01', {
      service: 's3',
    });
    expect(response.status).toBe(501);
    expect(awsErrorOf(response).message).toContain('does not implement the s3 service');
  });

  it('no Action: MissingAction; no Version: MissingParameter', async () => {
    expect(awsErrorOf(await signedQuery(sandbox, 'Version=2011-06-15')).code).toBe('MissingAction');
    expect(awsErrorOf(await signedQuery(sandbox, 'Action=GetCallerIdentity')).code).toBe(
      'MissingParameter',
    );
  });

  it('a missing required parameter: ValidationError naming the member', async () => {
    const response = await signedQuery(
      sandbox,
      'Action=AssumeRole&Version=2011-06-15&RoleSessionName=abc',
    );
    expect(response.status).toBe(400);
    expect(awsErrorOf(response)).toMatchObject({
      code: 'ValidationError',
      message:
        "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    });
  });

  it('a malformed form body: MalformedQueryString', async () => {
    const response = await signedQuery(
      sandbox,
      'Action=GetCallerIdentity&Version=2011-06-15&Bad=%ZZ',
    );
    expect(awsErrorOf(response).code).toBe('MalformedQueryString');
    expect(response.status).toBe(404);
  });

  it('no signature: MissingAuthenticationToken, 403', async () => {
    const response = await send(sandbox.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(response.status).toBe(403);
    expect(awsErrorOf(response).code).toBe('MissingAuthenticationToken');
  });

  it('a signature that does not cover host: IncompleteSignature, as AWS refuses it', async () => {
    const response = await signedQuery(sandbox, 'Action=GetCallerIdentity&Version=2011-06-15', {
      unsignedHeaders: ['host'],
    });
    expect(String(response.headers['content-type'])).toBe('text/xml');
    expect(awsErrorOf(response)).toMatchObject({
      code: 'IncompleteSignature',
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    });
    expect(response.status).toBe(400);
  });

  it('a mangled Authorization header: IncompleteSignature', async () => {
    const response = await signedQuery(sandbox, 'Action=GetCallerIdentity&Version=2011-06-15', {
      tamper: (signed) => {
        signed.headers.authorization = 'AWS4-HMAC-SHA256 Credential=nonsense';
      },
    });
    expect(response.status).toBe(400);
    expect(awsErrorOf(response).code).toBe('IncompleteSignature');
  });

  it('a body changed after signing: SignatureDoesNotMatch', async () => {
    const response = await signedQuery(sandbox, 'Action=GetCallerIdentity&Version=2011-06-15', {
      tamper: (signed) => {
        signed.body = 'Action=GetCallerIdentity&Version=2011-06-16';
      },
    });
    expect(response.status).toBe(403);
    expect(awsErrorOf(response).code).toBe('SignatureDoesNotMatch');
  });

  it('a signed header named like an Object.prototype member that was not sent: SignatureDoesNotMatch', async () => {
    const response = await signedQuery(sandbox, 'Action=GetCallerIdentity&Version=2011-06-15', {
      tamper: (signed) => {
        signed.headers.authorization = (signed.headers.authorization ?? '').replace(
          'SignedHeaders=',
          'SignedHeaders=constructor;',
        );
      },
    });
    expect(response.status).toBe(403);
    expect(awsErrorOf(response).code).toBe('SignatureDoesNotMatch');
  });

  it('a body over the limit: 413 RequestEntityTooLarge, and the server keeps serving', async () => {
    const response = await send(sandbox.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Action=GetCallerIdentity&Version=2011-06-15&Pad=${'x'.repeat(200 * 1024)}`,
    });
    expect(response.status).toBe(413);
    expect(awsErrorOf(response).code).toBe('RequestEntityTooLarge');
    await stillServes();
  });

  it('bytes that are not HTTP: a 400 and the connection closed, and the server keeps serving', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const url = new URL(sandbox.url);
      const socket = connect(Number(url.port), url.hostname, () =>
        socket.write('\u0000\u0001 not http at all\r\n\r\n'),
      );
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
      });
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await stillServes();
  });
});

const TOKEN = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/);
const HEADER_VALUE = fc.stringMatching(/^[\x20-\x7e]{0,60}$/).map((value) => value.trim());

describe('fuzzing', () => {
  it('answers every random request with an HTTP status, and keeps serving', async () => {
    const bodies = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
      fc
        .dictionary(
          fc.constantFrom(
            'Action',
            'Version',
            'RoleArn',
            'StackName',
            'ExternalId',
            'TemplateURL',
            'x',
          ),
          fc.string(),
        )
        .map((fields) => new URLSearchParams(fields).toString()),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'),
        fc.constantFrom(
          '/',
          '/?Action=GetCallerIdentity',
          '/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIASANDBOXVENDOR001%2F20240101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=99999999&X-Amz-SignedHeaders=host&X-Amz-Signature=00',
          '/?Action=GetCallerIdentity&X-Amz-Signature=zz&X-Amz-Credential=a%2Fb',
          '/cloudformation/home',
          '/_sns/confirm?TopicArn=x&Token=y',
          '/_sns/SimpleNotificationService-sandbox.pem',
          '/_cloudformation-response/abc?X-Amz-Signature=00',
          '/cloudformation/home/quickcreate?templateURL=%ZZ',
          '/cloudformation/home/stacks/delete',
          '/cloudformation/home/account',
          '/_sandbox/scenario',
          '/templates/porter-role-standard.json',
          '/nowhere',
          '/%E0%A4%A',
        ),
        fc.dictionary(TOKEN, HEADER_VALUE, { maxKeys: 6 }),
        fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/json',
          'text/plain',
          'multipart/form-data; boundary=x',
          '',
        ),
        fc.option(
          fc.constantFrom(
            'AWS4-HMAC-SHA256 Credential=AKIASANDBOXVENDOR001/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=' +
              '0'.repeat(64),
            'Bearer x',
            '',
          ),
          { nil: undefined },
        ),
        bodies,
        async (method, path, headers, contentType, authorization, body) => {
          const outgoing: Record<string, string> = { ...headers };
          delete outgoing['content-length'];
          delete outgoing['transfer-encoding'];
          delete outgoing.host;
          delete outgoing.expect;
          delete outgoing.connection;
          if (contentType) outgoing['content-type'] = contentType;
          if (authorization !== undefined) outgoing.authorization = authorization;
          const response = await send(sandbox.url, {
            method,
            path,
            headers: outgoing,
            body: method === 'GET' || method === 'HEAD' ? undefined : body,
          });
          expect(response.status).toBeGreaterThanOrEqual(200);
          expect(response.status).toBeLessThan(600);
          expect(response.status).not.toBe(500);
        },
      ),
      { numRuns: 300 },
    );
    await stillServes();
  });
});
