import { Sha256 } from '@aws-crypto/sha256-js';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock, Sandbox } from '../src/index';
import { send } from './raw-requests';
import {
  assumeAsVendor,
  clientsFor,
  createRoleStack,
  customerRoleArn,
  EXTERNAL_ID,
  rejectionOf,
  startOnManualClock,
} from './sandbox-clients';

let clock: ManualClock;
let sandbox: Sandbox;

beforeEach(async () => {
  ({ clock, sandbox } = await startOnManualClock({
    timing: { stackCreateMs: 1000, propagationMs: 2000, stackDeleteMs: 1000 },
  }));
});
afterEach(() => sandbox.close());

async function createdRole() {
  await createRoleStack(sandbox);
  clock.advance(1000 + 2000);
}

describe('STS GetCallerIdentity', () => {
  it('names the vendor user behind the vendor credentials', async () => {
    const { sts } = clientsFor(sandbox, sandbox.vendorCredentials);
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(sandbox.vendorPrincipalArn);
    expect(identity.Account).toBe('111122223333');
    expect(identity.$metadata.httpStatusCode).toBe(200);
    expect(identity.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names the assumed-role session behind temporary credentials', async () => {
    await createdRole();
    const assumed = await assumeAsVendor(sandbox);
    const credentials = assumed.Credentials;
    const { sts } = clientsFor(sandbox, {
      accessKeyId: credentials?.AccessKeyId ?? '',
      secretAccessKey: credentials?.SecretAccessKey ?? '',
      sessionToken: credentials?.SessionToken ?? '',
    });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(sandbox.customerAccountId);
    expect(identity.Arn).toBe(
      `arn:aws:sts::${sandbox.customerAccountId}:assumed-role/porter-manager/cloud-connect-check`,
    );
  });
});

describe('Query requests as GET', () => {
  it('accepts a signed GET with the parameters in the query string, as AWS does', async () => {
    const url = new URL(sandbox.url);
    const signer = new SignatureV4({
      credentials: sandbox.vendorCredentials,
      region: 'us-east-1',
      service: 'sts',
      sha256: Sha256,
    });
    const query = { Action: 'GetCallerIdentity', Version: '2011-06-15', Note: 'a b+c/é' };
    const signed = await signer.sign({
      method: 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query,
      headers: { host: url.host },
    });
    const response = await send(sandbox.url, {
      path: `/?${new URLSearchParams(query).toString().replaceAll('+', '%20')}`,
      headers: signed.headers as Record<string, string>,
    });
    expect(response.status).toBe(200);
    expect(response.body).toContain(`<Arn>${sandbox.vendorPrincipalArn}</Arn>`);
  });
});

describe('STS AssumeRole', () => {
  it('is refused with AccessDenied while the stack is still creating', async () => {
    await createRoleStack(sandbox);
    const error = await rejectionOf(assumeAsVendor(sandbox));
    expect(error.name).toBe('AccessDenied');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe(
      `User: ${sandbox.vendorPrincipalArn} is not authorized to perform: sts:AssumeRole on resource: ${customerRoleArn(sandbox)}`,
    );
  });

  it('is refused during IAM propagation after CREATE_COMPLETE, then succeeds', async () => {
    await createRoleStack(sandbox);
    clock.advance(1000);
    expect((await rejectionOf(assumeAsVendor(sandbox))).name).toBe('AccessDenied');
    clock.advance(1999);
    expect((await rejectionOf(assumeAsVendor(sandbox))).name).toBe('AccessDenied');
    clock.advance(1);
    const assumed = await assumeAsVendor(sandbox);
    expect(assumed.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${sandbox.customerAccountId}:assumed-role/porter-manager/cloud-connect-check`,
    );
    expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(assumed.Credentials?.SessionToken).toBeTruthy();
    expect(assumed.Credentials?.Expiration?.getTime()).toBe(clock.now() + 900_000);
  });

  it('is refused without the ExternalId and with a wrong one', async () => {
    await createdRole();
    expect((await rejectionOf(assumeAsVendor(sandbox, null))).name).toBe('AccessDenied');
    expect((await rejectionOf(assumeAsVendor(sandbox, 'another-external-id'))).name).toBe(
      'AccessDenied',
    );
    await expect(assumeAsVendor(sandbox, EXTERNAL_ID)).resolves.toBeDefined();
  });

  it('is refused to a principal the trust policy does not name', async () => {
    await createdRole();
    const { sts } = clientsFor(sandbox, sandbox.customerCredentials);
    const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    const error = await rejectionOf(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: customerRoleArn(sandbox),
          RoleSessionName: 'me',
          ExternalId: EXTERNAL_ID,
        }),
      ),
    );
    expect(error.name).toBe('AccessDenied');
  });

  it('answers a wrong access key with InvalidClientTokenId and a wrong secret with SignatureDoesNotMatch', async () => {
    const wrongKey = clientsFor(sandbox, {
      accessKeyId: 'AKIAUNKNOWNKEY000000',
      secretAccessKey: 'x',
    });
    const badKey = await rejectionOf(wrongKey.sts.send(new GetCallerIdentityCommand({})));
    expect(badKey.name).toBe('InvalidClientTokenId');
    expect(badKey.$metadata.httpStatusCode).toBe(403);

    const wrongSecret = clientsFor(sandbox, {
      ...sandbox.vendorCredentials,
      secretAccessKey: 'not-the-secret',
    });
    const badSecret = await rejectionOf(wrongSecret.sts.send(new GetCallerIdentityCommand({})));
    expect(badSecret.name).toBe('SignatureDoesNotMatch');
    expect(badSecret.$metadata.httpStatusCode).toBe(403);
  });

  it('refuses temporary credentials with a wrong session token, and expired ones', async () => {
    await createdRole();
    const assumed = await assumeAsVendor(sandbox);
    const temporary = {
      accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
      secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
      sessionToken: assumed.Credentials?.SessionToken ?? '',
    };
    const forged = clientsFor(sandbox, { ...temporary, sessionToken: 'forged' });
    expect((await rejectionOf(forged.sts.send(new GetCallerIdentityCommand({})))).name).toBe(
      'InvalidClientTokenId',
    );

    clock.advance(900_000);
    const expired = await rejectionOf(
      clientsFor(sandbox, temporary).sts.send(new GetCallerIdentityCommand({})),
    );
    expect(expired.name).toBe('ExpiredToken');
    expect(expired.$metadata.httpStatusCode).toBe(403);
  });

  it('answers a missing RoleSessionName and a too-short duration with ValidationError', async () => {
    const { sts } = clientsFor(sandbox, sandbox.vendorCredentials);
    const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    const missing = await rejectionOf(
      sts.send(new AssumeRoleCommand({ RoleArn: customerRoleArn(sandbox) } as never)),
    );
    expect(missing.name).toBe('ValidationError');
    expect(missing.message).toContain("'roleSessionName'");
    const short = await rejectionOf(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: customerRoleArn(sandbox),
          RoleSessionName: 's1',
          DurationSeconds: 60,
        }),
      ),
    );
    expect(short.name).toBe('ValidationError');
    expect(short.$metadata.httpStatusCode).toBe(400);
  });
});
