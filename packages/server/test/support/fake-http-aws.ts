import { Readable } from 'node:stream';
import type { AwsClientConfig } from '../../src/aws-verifier';

// The parts of the SDK's HttpRequest this fake reads.
interface HttpRequest {
  hostname: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

export interface RecordedRequest {
  hostname: string;
  path: string;
  action: string;
  body: string;
  authorization: string;
}

export interface FakeAnswer {
  status: number;
  body: string;
}

/**
 * An SDK `requestHandler` that answers STS and CloudFormation Query calls from a script, so the
 * real SDK clients (serialisation, signing, parsing) run without a network. It records what
 * was sent where.
 */
export function fakeHttpAws(answer: (request: RecordedRequest) => FakeAnswer | 'hang') {
  const requests: RecordedRequest[] = [];
  const handler = {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: HttpRequest, options?: { abortSignal?: AbortSignal }) {
      const body = typeof request.body === 'string' ? request.body : String(request.body ?? '');
      const recorded: RecordedRequest = {
        hostname: request.hostname,
        path: request.path,
        action: new URLSearchParams(body).get('Action') ?? '',
        body,
        authorization: String(request.headers.authorization ?? request.headers.Authorization ?? ''),
      };
      requests.push(recorded);
      const reply = answer(recorded);
      if (reply === 'hang') {
        await new Promise<never>((_, reject) => {
          options?.abortSignal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })),
          );
        });
      }
      const { status, body: text } = reply as FakeAnswer;
      return {
        response: {
          statusCode: status,
          reason: undefined,
          headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'fake-request' },
          body: Readable.from([Buffer.from(text)]),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {},
  };
  return { handler: handler as unknown as AwsClientConfig['requestHandler'], requests };
}

export function assumeRoleXml(credentials: {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
}): string {
  return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${credentials.AccessKeyId}</AccessKeyId>
      <SecretAccessKey>${credentials.SecretAccessKey}</SecretAccessKey>
      <SessionToken>${credentials.SessionToken}</SessionToken>
      <Expiration>2030-01-01T00:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::012345678901:assumed-role/porter-manager/check</Arn>
      <AssumedRoleId>AROAFAKE:check</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
}

export function queryErrorXml(code: string, message = 'fake'): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>
  <RequestId>fake-request</RequestId>
</ErrorResponse>`;
}

export function describeStacksXml(status: string, templateVersion: string): string {
  return `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <DescribeStacksResult>
    <Stacks>
      <member>
        <StackName>PorterRole</StackName>
        <StackId>arn:aws:cloudformation:us-east-1:012345678901:stack/PorterRole/fake</StackId>
        <CreationTime>2026-11-29T07:00:00Z</CreationTime>
        <StackStatus>${status}</StackStatus>
        <Outputs>
          <member><OutputKey>TemplateVersion</OutputKey><OutputValue>${templateVersion}</OutputValue></member>
        </Outputs>
      </member>
    </Stacks>
  </DescribeStacksResult>
  <ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata>
</DescribeStacksResponse>`;
}
