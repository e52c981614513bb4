import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyAwsError } from '../src/aws-error-classification';
import { createAwsVerifier, roleSessionName } from '../src/aws-verifier';
import { UpstreamError } from '../src/upstream-error';
import {
  ASSUMED,
  awsError,
  type FakeAws,
  fakeAws,
  networkError,
  TARGET,
} from './support/aws-fakes';

let aws: FakeAws | undefined;
afterEach(() => aws?.restore());

const verifier = (options: Partial<Parameters<typeof createAwsVerifier>[0]> = {}) =>
  createAwsVerifier({ region: 'us-east-1', templateVersion: '1.0.0', ...options });

/** Makes AssumeRole with the real ExternalId fail with `error`. */
function failingAssumeRole(error: unknown): FakeAws {
  const fake = fakeAws();
  fake.sts.on(AssumeRoleCommand).rejects(error as Error);
  return fake;
}

describe('checkConnection', () => {
  it('connects when the role can be assumed with the ExternalId only, reporting the template version', async () => {
    aws = fakeAws({ role: 'ready' });
    const check = await verifier({ now: () => Date.parse('2026-11-29T08:00:00Z') }).checkConnection(
      TARGET,
    );
    expect(check).toEqual({
      status: 'connected',
      roleArn: 'arn:aws:iam::012345678901:role/porter-manager',
      verifiedAt: '2026-11-29T08:00:00.000Z',
      templateVersion: '1.0.0',
    });
  });

  it('asks for the shortest session with a RoleSessionName AWS accepts', async () => {
    aws = fakeAws({ role: 'ready' });
    await verifier().checkConnection(TARGET);
    const [first] = aws.assumeRoleInputs();
    expect(first?.DurationSeconds).toBe(900);
    expect(first?.RoleArn).toBe('arn:aws:iam::012345678901:role/porter-manager');
    expect(first?.ExternalId).toBe(TARGET.externalId);
    expect(first?.RoleSessionName).toMatch(/^[\w+=,.@-]{2,64}$/);
  });

  it('builds the role ARN in the partition of the region', async () => {
    aws = fakeAws({ role: 'ready' });
    const check = await createAwsVerifier({ region: 'cn-north-1' }).checkConnection({
      ...TARGET,
      region: 'cn-north-1',
    });
    expect(check).toMatchObject({ roleArn: 'arn:aws-cn:iam::012345678901:role/porter-manager' });
    aws.restore();
    aws = fakeAws({ role: 'ready' });
    const gov = await createAwsVerifier({ region: 'us-gov-west-1' }).checkConnection({
      ...TARGET,
      region: 'us-gov-west-1',
    });
    expect(gov).toMatchObject({ roleArn: 'arn:aws-us-gov:iam::012345678901:role/porter-manager' });
  });

  it("uses each target's own partition, whatever region the verifier was made for", async () => {
    aws = fakeAws({ role: 'ready' });
    const check = await verifier().checkConnection({ ...TARGET, region: 'cn-northwest-1' });
    expect(check).toMatchObject({ roleArn: 'arn:aws-cn:iam::012345678901:role/porter-manager' });
  });

  it('refuses a region that is not one at creation, with a clear error', () => {
    expect(() => createAwsVerifier({ region: 'mars-1' })).toThrow(/region/i);
  });

  it('reports pending "not-assumable" while AssumeRole is denied (not created, propagating or wrong account)', async () => {
    aws = fakeAws({ role: 'missing' });
    expect(await verifier().checkConnection(TARGET)).toEqual({
      status: 'pending',
      reason: 'not-assumable',
    });
  });

  it.each([
    'InvalidClientTokenId',
    'ExpiredToken',
    'ExpiredTokenException',
    'SignatureDoesNotMatch',
  ])(
    'fails with VENDOR_CREDENTIALS when STS answers %s (the vendor credentials are broken)',
    async (name) => {
      aws = failingAssumeRole(awsError(name, 403));
      const check = await verifier().checkConnection(TARGET);
      expect(check).toMatchObject({ status: 'failed', code: 'VENDOR_CREDENTIALS' });
      expect(check.status === 'failed' && check.message).toMatch(/not a problem with your account/);
    },
  );

  it('fails with VENDOR_CREDENTIALS when no credentials can be found at all', async () => {
    aws = failingAssumeRole(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    expect(await verifier().checkConnection(TARGET)).toMatchObject({ code: 'VENDOR_CREDENTIALS' });
  });

  it.each([
    ['Throttling', 400],
    ['ThrottlingException', 400],
    ['TooManyRequestsException', 429],
    ['SomethingNew', 429],
  ])('reports pending "throttled" with a retry hint on %s', async (name, status) => {
    aws = failingAssumeRole(awsError(name, status));
    const check = await verifier().checkConnection(TARGET);
    expect(check).toMatchObject({ status: 'pending', reason: 'throttled' });
    expect(check.status === 'pending' && check.retryAfterMs).toBeGreaterThan(0);
  });

  it('fails telling the user to activate STS in the region on RegionDisabledException', async () => {
    aws = failingAssumeRole(awsError('RegionDisabledException', 403));
    const check = await verifier().checkConnection({ ...TARGET, region: 'ap-east-1' });
    expect(check).toMatchObject({ status: 'failed', code: 'STS_REGION_DISABLED' });
    expect(check.status === 'failed' && check.message).toMatch(
      /activate.*ap-east-1|ap-east-1.*activate/i,
    );
  });

  it.each([
    ['ECONNREFUSED', networkError('ECONNREFUSED')],
    ['ENOTFOUND', networkError('ENOTFOUND')],
    ['TimeoutError', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['a 503 from AWS', awsError('ServiceUnavailable', 503)],
  ])('reports pending "network" on %s', async (_label, error) => {
    aws = failingAssumeRole(error);
    expect(await verifier().checkConnection(TARGET)).toEqual({
      status: 'pending',
      reason: 'network',
    });
  });

  it('throws UpstreamError (no verdict) on an AWS error it does not know', async () => {
    aws = failingAssumeRole(awsError('MalformedPolicyDocument', 400));
    await expect(verifier().checkConnection(TARGET)).rejects.toBeInstanceOf(UpstreamError);
  });

  it('throws UpstreamError when AssumeRole succeeds without credentials', async () => {
    aws = fakeAws();
    aws.sts.on(AssumeRoleCommand).resolves({ $metadata: {} });
    await expect(verifier().checkConnection(TARGET)).rejects.toBeInstanceOf(UpstreamError);
  });

  describe('the confused-deputy check', () => {
    it('probes AssumeRole without an ExternalId and with a wrong one, both denied, before connecting', async () => {
      aws = fakeAws({ role: 'ready' });
      await verifier().checkConnection(TARGET);
      const inputs = aws.assumeRoleInputs();
      expect(inputs).toHaveLength(3);
      expect(inputs.some((input) => input.ExternalId === undefined)).toBe(true);
      const wrong = inputs.filter(
        (input) => input.ExternalId !== undefined && input.ExternalId !== TARGET.externalId,
      );
      expect(wrong).toHaveLength(1);
      expect(wrong[0]?.ExternalId).toMatch(/^[\w+=,.@:/-]{2,1224}$/);
    });

    it('fails with EXTERNAL_ID_NOT_ENFORCED when the role trusts the vendor without an ExternalId', async () => {
      aws = fakeAws({ role: 'no-external-id' });
      const check = await verifier().checkConnection(TARGET);
      expect(check).toMatchObject({ status: 'failed', code: 'EXTERNAL_ID_NOT_ENFORCED' });
    });

    it('fails with EXTERNAL_ID_NOT_ENFORCED when only a wrong ExternalId is accepted too', async () => {
      aws = fakeAws();
      aws.sts.on(AssumeRoleCommand).callsFake(async (input: AssumeRoleCommandInput) => {
        if (input.ExternalId === undefined) throw awsError('AccessDenied', 403);
        return { Credentials: ASSUMED };
      });
      expect(await verifier().checkConnection(TARGET)).toMatchObject({
        code: 'EXTERNAL_ID_NOT_ENFORCED',
      });
    });

    it('stays pending when a probe is throttled rather than guessing', async () => {
      aws = fakeAws();
      aws.sts.on(AssumeRoleCommand).callsFake(async (input: AssumeRoleCommandInput) => {
        if (input.ExternalId === TARGET.externalId) return { Credentials: ASSUMED };
        throw awsError('Throttling', 400);
      });
      expect(await verifier().checkConnection(TARGET)).toMatchObject({
        status: 'pending',
        reason: 'throttled',
      });
    });
  });

  describe('the stack, read with the assumed credentials', () => {
    it('reads the stack with the temporary credentials of the role', async () => {
      aws = fakeAws({ role: 'ready' });
      const seen: unknown[] = [];
      await verifier({
        clients: {
          cloudFormation: ({ region, credentials }) => {
            seen.push(credentials);
            return new CloudFormationClient({ region, credentials });
          },
        },
      }).checkConnection(TARGET);
      expect(seen).toEqual([
        {
          accessKeyId: ASSUMED.AccessKeyId,
          secretAccessKey: ASSUMED.SecretAccessKey,
          sessionToken: ASSUMED.SessionToken,
        },
      ]);
    });

    it('warns, without failing, when the stack runs an older template version', async () => {
      aws = fakeAws({
        stack: {
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'TemplateVersion', OutputValue: '0.9.0' }],
        },
      });
      const check = await verifier({ templateVersion: '1.10.0' }).checkConnection(TARGET);
      expect(check).toMatchObject({ status: 'connected', templateVersion: '0.9.0' });
      expect(check.status === 'connected' && check.warnings?.[0]).toMatch(/0\.9\.0.*1\.10\.0/);
    });

    it('does not warn for the current or a newer template version', async () => {
      aws = fakeAws({
        stack: { Outputs: [{ OutputKey: 'TemplateVersion', OutputValue: '1.10.0' }] },
      });
      const check = await verifier({ templateVersion: '1.9.0' }).checkConnection(TARGET);
      expect(check).toMatchObject({ status: 'connected', templateVersion: '1.10.0' });
      expect(check.status === 'connected' && check.warnings).toBeUndefined();
    });

    it('still connects when the stack cannot be read (the role is what counts)', async () => {
      aws = fakeAws({ stack: awsError('ValidationError', 400) });
      const check = await verifier().checkConnection(TARGET);
      expect(check).toMatchObject({ status: 'connected' });
      expect(check.status === 'connected' && check.templateVersion).toBeUndefined();
    });
  });
});

describe('checkRevocation', () => {
  it('is revoked once AssumeRole is denied', async () => {
    aws = fakeAws({ role: 'missing' });
    expect(await verifier().checkRevocation(TARGET)).toEqual({ status: 'revoked' });
  });

  it('is pending with the stack status while the role can still be assumed', async () => {
    aws = fakeAws({ role: 'ready', stack: { StackStatus: 'DELETE_IN_PROGRESS' } });
    expect(await verifier().checkRevocation(TARGET)).toEqual({
      status: 'pending',
      stackStatus: 'DELETE_IN_PROGRESS',
    });
  });

  it('fails with VENDOR_CREDENTIALS instead of claiming revocation when the vendor credentials are broken', async () => {
    aws = failingAssumeRole(awsError('InvalidClientTokenId', 403));
    expect(await verifier().checkRevocation(TARGET)).toMatchObject({
      status: 'failed',
      code: 'VENDOR_CREDENTIALS',
    });
  });

  it('fails with EXTERNAL_ID_NOT_ENFORCED, and reads no stack, when the role also lets us in without the ExternalId', async () => {
    aws = fakeAws({ role: 'no-external-id', stack: { StackStatus: 'CREATE_COMPLETE' } });
    const check = await verifier().checkRevocation(TARGET);
    expect(check).toMatchObject({ status: 'failed', code: 'EXTERNAL_ID_NOT_ENFORCED' });
    expect(check).not.toHaveProperty('stackStatus');
    expect(aws.cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(aws.assumeRoleInputs().map((input) => input.ExternalId)).toEqual([
      TARGET.externalId,
      undefined,
      expect.stringMatching(/^cc-probe-/),
    ]);
  });

  it('stays pending when throttled or offline', async () => {
    aws = failingAssumeRole(awsError('Throttling', 400));
    expect(await verifier().checkRevocation(TARGET)).toEqual({ status: 'pending' });
    aws.restore();
    aws = failingAssumeRole(networkError());
    expect(await verifier().checkRevocation(TARGET)).toEqual({ status: 'pending' });
  });
});

describe('RoleSessionName', () => {
  it('is always 2-64 characters of [\\w+=,.@-], whatever the clock says', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (now) => {
        expect(roleSessionName(now)).toMatch(/^[\w+=,.@-]{2,64}$/);
      }),
    );
  });
});

describe('classifyAwsError', () => {
  it('never throws and always names a kind, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(classifyAwsError(value).kind).toMatch(/^[a-z-]+$/);
      }),
    );
  });

  it('calls an error after the caller aborted "aborted", not a network failure', () => {
    const controller = new AbortController();
    controller.abort();
    expect(classifyAwsError(networkError(), controller.signal).kind).toBe('aborted');
  });
});
