import { describe, expect, it } from 'vitest';
import { createAwsVerifier } from '../src/aws-verifier';
import { ASSUMED, TARGET } from './support/aws-fakes';
import {
  assumeRoleXml,
  describeStacksXml,
  fakeHttpAws,
  queryErrorXml,
} from './support/fake-http-aws';

// The real SDK clients end to end (serialise, sign, send, parse), with a scripted HTTP layer.
const VENDOR = { accessKeyId: 'AKIAVENDORFAKE000001', secretAccessKey: 'vendor/secret/fake' };

function roleThatEnforcesExternalId() {
  return fakeHttpAws((request) => {
    if (request.action === 'AssumeRole') {
      const externalId = new URLSearchParams(request.body).get('ExternalId');
      return externalId === TARGET.externalId
        ? { status: 200, body: assumeRoleXml(ASSUMED) }
        : { status: 403, body: queryErrorXml('AccessDenied') };
    }
    return { status: 200, body: describeStacksXml('CREATE_COMPLETE', '1.0.0') };
  });
}

describe('createAwsVerifier with real SDK clients', () => {
  it('sends every call, STS and the CloudFormation call with assumed credentials, to the configured endpoint', async () => {
    const aws = roleThatEnforcesExternalId();
    const verifier = createAwsVerifier({
      region: 'us-east-1',
      templateVersion: '1.0.0',
      clientConfig: {
        endpoint: 'http://127.0.0.1:4566',
        credentials: VENDOR,
        requestHandler: aws.handler,
      },
    });
    const check = await verifier.checkConnection(TARGET);
    expect(check).toMatchObject({ status: 'connected', templateVersion: '1.0.0' });
    expect(aws.requests.map((r) => r.action).sort()).toEqual([
      'AssumeRole',
      'AssumeRole',
      'AssumeRole',
      'DescribeStacks',
    ]);
    expect(new Set(aws.requests.map((r) => r.hostname))).toEqual(new Set(['127.0.0.1']));
    const stsCalls = aws.requests.filter((r) => r.action === 'AssumeRole');
    const describe = aws.requests.find((r) => r.action === 'DescribeStacks');
    expect(
      stsCalls.every((r) => r.authorization.includes(`Credential=${VENDOR.accessKeyId}/`)),
    ).toBe(true);
    expect(describe?.authorization).toContain(`Credential=${ASSUMED.AccessKeyId}/`);
    expect(new URLSearchParams(stsCalls[0]?.body).get('DurationSeconds')).toBe('900');
  });

  it('uses the regional STS endpoint of the target region by default', async () => {
    const aws = roleThatEnforcesExternalId();
    const verifier = createAwsVerifier({
      region: 'eu-west-1',
      clientConfig: { credentials: VENDOR, requestHandler: aws.handler },
    });
    await verifier.checkConnection({ ...TARGET, region: 'eu-west-1' });
    expect(aws.requests.find((r) => r.action === 'AssumeRole')?.hostname).toBe(
      'sts.eu-west-1.amazonaws.com',
    );
    expect(aws.requests.find((r) => r.action === 'DescribeStacks')?.hostname).toBe(
      'cloudformation.eu-west-1.amazonaws.com',
    );
  });

  it.each([
    ['us-east-1', 'sts.us-east-1.amazonaws.com'],
    ['cn-north-1', 'sts.cn-north-1.amazonaws.com.cn'],
    ['us-gov-west-1', 'sts.us-gov-west-1.amazonaws.com'],
  ])('calls the regional STS endpoint in %s', async (region, host) => {
    const aws = fakeHttpAws(() => ({ status: 403, body: queryErrorXml('AccessDenied') }));
    const verifier = createAwsVerifier({
      region,
      clientConfig: { credentials: VENDOR, requestHandler: aws.handler, maxAttempts: 1 },
    });
    await verifier.checkConnection({ ...TARGET, region });
    expect(aws.requests[0]?.hostname).toBe(host);
    expect(new URLSearchParams(aws.requests[0]?.body).get('RoleArn')).toMatch(
      new RegExp(
        `^arn:${region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws'}:iam::`,
      ),
    );
  });

  it('classifies the real SDK error for a denied AssumeRole as pending', async () => {
    const aws = fakeHttpAws(() => ({ status: 403, body: queryErrorXml('AccessDenied') }));
    const verifier = createAwsVerifier({
      region: 'us-east-1',
      clientConfig: { credentials: VENDOR, requestHandler: aws.handler, maxAttempts: 1 },
    });
    expect(await verifier.checkConnection(TARGET)).toEqual({
      status: 'pending',
      reason: 'not-assumable',
    });
  });

  it('classifies the real SDK error for broken vendor credentials as VENDOR_CREDENTIALS', async () => {
    const aws = fakeHttpAws(() => ({ status: 403, body: queryErrorXml('InvalidClientTokenId') }));
    const verifier = createAwsVerifier({
      region: 'us-east-1',
      clientConfig: { credentials: VENDOR, requestHandler: aws.handler, maxAttempts: 1 },
    });
    expect(await verifier.checkConnection(TARGET)).toMatchObject({ code: 'VENDOR_CREDENTIALS' });
  });

  it("leaves a request handler the host shares alone, so one check never cuts another's calls", async () => {
    const aws = roleThatEnforcesExternalId();
    const base = aws.handler as unknown as {
      handle(request: unknown, options?: unknown): Promise<unknown>;
    };
    const handle = base.handle.bind(base);
    const inFlight = new Set<(error: Error) => void>();
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let calls = 0;
    // Like NodeHttpHandler with its agent: destroy() closes every socket still in use.
    const shared = Object.assign(Object.create(base), {
      handle: (...args: Parameters<typeof handle>) =>
        new Promise((resolve, reject) => {
          inFlight.add(reject);
          const held = calls++ === 0 ? firstHeld : Promise.resolve();
          held
            .then(() => handle(...args))
            .then(resolve, reject)
            .finally(() => inFlight.delete(reject));
        }),
      destroy() {
        for (const cut of inFlight)
          cut(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      },
    });
    const verifier = createAwsVerifier({
      region: 'us-east-1',
      templateVersion: '1.0.0',
      clientConfig: { credentials: VENDOR, requestHandler: shared, maxAttempts: 1 },
    });

    const slow = verifier.checkConnection(TARGET);
    // A second check runs to its end while the first one's AssumeRole is still in flight.
    expect(await verifier.checkConnection(TARGET)).toMatchObject({ status: 'connected' });
    releaseFirst();
    expect(await slow).toMatchObject({ status: 'connected' });
  });

  it('cancels the AWS call when the signal aborts', async () => {
    const aws = fakeHttpAws(() => 'hang');
    const verifier = createAwsVerifier({
      region: 'us-east-1',
      clientConfig: { credentials: VENDOR, requestHandler: aws.handler, maxAttempts: 1 },
    });
    const controller = new AbortController();
    const check = verifier.checkConnection(TARGET, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(new Error('the user left'));
    await expect(check).rejects.toThrow('the user left');
  });
});
