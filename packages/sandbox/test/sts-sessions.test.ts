import { Sha256 } from '@aws-crypto/sha256-js';
import { CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  GetAccessKeyInfoCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
} from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock, Sandbox, SandboxCredentials } from '../src/index';
import { awsErrorOf, send } from './raw-requests';
import {
  clientsFor,
  createRoleStack,
  customerRoleArn,
  EXTERNAL_ID,
  rejectionOf,
  startOnManualClock,
} from './sandbox-clients';

const timing = { stackCreateMs: 1000, propagationMs: 2000, stackDeleteMs: 1000 };
let clock: ManualClock;
let sandbox: Sandbox;

beforeEach(async () => {
  ({ clock, sandbox } = await startOnManualClock({ timing }));
});
afterEach(() => sandbox.close());

function temporaryOf(result: {
  Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string };
}): SandboxCredentials {
  return {
    accessKeyId: result.Credentials?.AccessKeyId ?? '',
    secretAccessKey: result.Credentials?.SecretAccessKey ?? '',
    sessionToken: result.Credentials?.SessionToken ?? '',
  };
}

async function createdRole() {
  await createRoleStack(sandbox);
  clock.advance(timing.stackCreateMs + timing.propagationMs);
}

function assumeRole(input: Partial<AssumeRoleCommandInput> = {}) {
  return clientsFor(sandbox, sandbox.vendorCredentials).sts.send(
    new AssumeRoleCommand({
      RoleArn: customerRoleArn(sandbox),
      RoleSessionName: 'session',
      ExternalId: EXTERNAL_ID,
      ...input,
    }),
  );
}

function describeWith(credentials: SandboxCredentials) {
  return clientsFor(sandbox, credentials).cloudFormation.send(
    new DescribeStacksCommand({ StackName: 'PorterRole' }),
  );
}

/** A stack of the customer's made from a template body, completed and propagated. */
async function customerStack(name: string, resources: Record<string, unknown>) {
  await clientsFor(sandbox, sandbox.customerCredentials).cloudFormation.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: JSON.stringify({ Resources: resources }),
      Capabilities: ['CAPABILITY_NAMED_IAM'],
    }),
  );
  clock.advance(timing.stackCreateMs + timing.propagationMs);
}

function policy(action: string) {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] };
}

describe('STS GetSessionToken', () => {
  it('gives the IAM user temporary credentials that are still that user, until they expire (403)', async () => {
    const { sts } = clientsFor(sandbox, sandbox.customerCredentials);
    const result = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    expect(result.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    const session = temporaryOf(result);
    const identity = await clientsFor(sandbox, session).sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe('arn:aws:iam::123456789012:user/sandbox-customer');
    clock.advance(900_000);
    const expired = await rejectionOf(
      clientsFor(sandbox, session).sts.send(new GetCallerIdentityCommand({})),
    );
    expect(expired.name).toBe('ExpiredToken');
    expect(expired.$metadata.httpStatusCode).toBe(403);
  });

  it('refuses session credentials and role sessions, and durations outside 900-129600', async () => {
    const { sts } = clientsFor(sandbox, sandbox.vendorCredentials);
    const session = temporaryOf(await sts.send(new GetSessionTokenCommand({})));
    const again = await rejectionOf(
      clientsFor(sandbox, session).sts.send(new GetSessionTokenCommand({})),
    );
    expect(again.name).toBe('AccessDenied');
    expect(again.message).toBe('Cannot call GetSessionToken with session credentials');
    expect(
      (await rejectionOf(sts.send(new GetSessionTokenCommand({ DurationSeconds: 129_601 })))).name,
    ).toBe('ValidationError');
    // Session credentials may still assume a role, as on AWS.
    await createdRole();
    const assumed = await clientsFor(sandbox, session).sts.send(
      new AssumeRoleCommand({
        RoleArn: customerRoleArn(sandbox),
        RoleSessionName: 'from-session',
        ExternalId: EXTERNAL_ID,
      }),
    );
    const roleSession = temporaryOf(assumed);
    expect(
      (await rejectionOf(clientsFor(sandbox, roleSession).sts.send(new GetSessionTokenCommand({}))))
        .name,
    ).toBe('AccessDenied');
  });
});

describe('STS GetAccessKeyInfo', () => {
  it("names the account of the sandbox's keys and of keys it issued", async () => {
    const { sts } = clientsFor(sandbox, sandbox.vendorCredentials);
    const vendor = await sts.send(
      new GetAccessKeyInfoCommand({ AccessKeyId: sandbox.vendorCredentials.accessKeyId }),
    );
    expect(vendor.Account).toBe('111122223333');
    const customer = await sts.send(
      new GetAccessKeyInfoCommand({ AccessKeyId: sandbox.customerCredentials.accessKeyId }),
    );
    expect(customer.Account).toBe('123456789012');
    const unknown = await rejectionOf(
      sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: 'AKIAUNKNOWNKEY000000' })),
    );
    expect(unknown.name).toBe('InvalidParameterValue');
  });
});

describe('presigned requests (SigV4 in the query string)', () => {
  async function presignedCallerIdentity(
    credentials: SandboxCredentials,
    options: { expiresIn?: number; signingDate?: Date; action?: string } = {},
  ): Promise<string> {
    const url = new URL(sandbox.url);
    const signer = new SignatureV4({
      credentials,
      region: 'us-east-1',
      service: 'sts',
      sha256: Sha256,
    });
    const presigned = await signer.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        headers: { host: url.host },
      },
      {
        expiresIn: options.expiresIn ?? 60,
        ...(options.signingDate && { signingDate: options.signingDate }),
      },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>);
    if (options.action) query.set('Action', options.action);
    return `${sandbox.url}/?${query}`;
  }

  it('accepts a presigned GetCallerIdentity URL, with long-lived or temporary credentials', async () => {
    const response = await send(await presignedCallerIdentity(sandbox.vendorCredentials));
    expect(response.status).toBe(200);
    expect(response.body).toContain(`<Arn>${sandbox.vendorPrincipalArn}</Arn>`);

    const session = temporaryOf(
      await clientsFor(sandbox, sandbox.customerCredentials).sts.send(
        new GetSessionTokenCommand({}),
      ),
    );
    const url = await presignedCallerIdentity(session);
    expect(url).toContain('X-Amz-Security-Token=');
    expect((await send(url)).body).toContain('user/sandbox-customer');
  });

  it('refuses it once X-Amz-Expires has passed, and when the query was changed after signing', async () => {
    const expired = await send(
      await presignedCallerIdentity(sandbox.vendorCredentials, {
        expiresIn: 60,
        signingDate: new Date(Date.now() - 120_000),
      }),
    );
    expect(expired.status).toBe(400);
    expect(awsErrorOf(expired)).toMatchObject({
      code: 'RequestExpired',
      message: 'Request has expired.',
    });

    const changed = await send(
      await presignedCallerIdentity(sandbox.vendorCredentials, { action: 'GetSessionToken' }),
    );
    expect(changed.status).toBe(403);
    expect(awsErrorOf(changed).code).toBe('SignatureDoesNotMatch');
  });

  it('refuses a query signature with parts missing', async () => {
    const url = new URL(await presignedCallerIdentity(sandbox.vendorCredentials));
    url.searchParams.delete('X-Amz-Credential');
    const response = await send(url.href);
    expect(awsErrorOf(response).code).toBe('IncompleteSignature');
  });
});

describe('AssumeRole session policies, tags and source identity', () => {
  it('intersects an inline session Policy with the role: what it does not allow is refused, and PackedPolicySize comes back', async () => {
    await createdRole();
    const narrowed = await assumeRole({ Policy: JSON.stringify(policy('s3:GetObject')) });
    expect(narrowed.PackedPolicySize).toBeGreaterThan(0);
    expect(narrowed.PackedPolicySize).toBeLessThanOrEqual(100);
    const refused = await rejectionOf(describeWith(temporaryOf(narrowed)));
    expect(refused.name).toBe('AccessDenied');
    expect(refused.message).toContain(
      'because no session policy allows the cloudformation:DescribeStacks action',
    );

    const allowing = await assumeRole({
      Policy: JSON.stringify(policy('cloudformation:Describe*')),
    });
    expect((await describeWith(temporaryOf(allowing))).Stacks?.[0]?.StackName).toBe('PorterRole');

    const plain = await assumeRole();
    expect(plain.PackedPolicySize).toBeUndefined();
  });

  it('a session policy never widens the role: allowing everything still leaves what the role lacks refused', async () => {
    await createdRole();
    const wide = await assumeRole({ Policy: JSON.stringify(policy('*')) });
    const other = await rejectionOf(
      clientsFor(sandbox, temporaryOf(wide)).cloudFormation.send(
        new DescribeStacksCommand({ StackName: 'SomeoneElse' }),
      ),
    );
    expect(other.message).toContain('because no identity-based policy allows');
  });

  it("uses the account's managed policies named in PolicyArns, and refuses ones that do not exist", async () => {
    await createdRole();
    await customerStack('Policies', {
      Describe: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          ManagedPolicyName: 'describe-only',
          PolicyDocument: policy('cloudformation:DescribeStacks'),
        },
      },
      Other: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { ManagedPolicyName: 's3-only', PolicyDocument: policy('s3:*') },
      },
    });
    const arn = (name: string) => `arn:aws:iam::123456789012:policy/${name}`;
    const allowed = await assumeRole({ PolicyArns: [{ arn: arn('describe-only') }] });
    expect((await describeWith(temporaryOf(allowed))).Stacks).toHaveLength(1);
    const narrowed = await assumeRole({ PolicyArns: [{ arn: arn('s3-only') }] });
    expect((await rejectionOf(describeWith(temporaryOf(narrowed)))).name).toBe('AccessDenied');
    const missing = await rejectionOf(assumeRole({ PolicyArns: [{ arn: arn('nothing-here') }] }));
    expect(missing.name).toBe('MalformedPolicyDocumentException');
    expect(missing.message).toBe(
      `Policy ${arn('nothing-here')} does not exist or is not attachable.`,
    );
  });

  it('refuses a malformed session policy and one over 2,048 characters', async () => {
    await createdRole();
    expect((await rejectionOf(assumeRole({ Policy: '{"Statement": "nope"' }))).name).toBe(
      'MalformedPolicyDocumentException',
    );
    const long = JSON.stringify({ ...policy('s3:GetObject'), Id: 'x'.repeat(2100) });
    expect((await rejectionOf(assumeRole({ Policy: long }))).name).toBe('ValidationError');
  });

  it("refuses Tags and SourceIdentity when the role's trust policy does not allow sts:TagSession / sts:SetSourceIdentity", async () => {
    await createdRole();
    const tagged = await rejectionOf(assumeRole({ Tags: [{ Key: 'team', Value: 'platform' }] }));
    expect(tagged.name).toBe('AccessDenied');
    expect(tagged.message).toContain('sts:TagSession');
    const sourced = await rejectionOf(assumeRole({ SourceIdentity: 'alice' }));
    expect(sourced.message).toContain('sts:SetSourceIdentity');
  });

  it('accepts Tags, TransitiveTagKeys and SourceIdentity when the trust policy allows them, and checks them', async () => {
    await customerStack('Tagging', {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'tagging-role',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: sandbox.vendorPrincipalArn },
                Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
              },
            ],
          },
          Policies: [
            {
              PolicyName: 'by-tag',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: 'cloudformation:DescribeStacks',
                    Resource: '*',
                    Condition: { StringEquals: { 'aws:PrincipalTag/team': 'platform' } },
                  },
                ],
              },
            },
          ],
        },
      },
    });
    const roleArn = 'arn:aws:iam::123456789012:role/tagging-role';
    const result = await assumeRole({
      RoleArn: roleArn,
      Tags: [{ Key: 'team', Value: 'platform' }],
      TransitiveTagKeys: ['team'],
      SourceIdentity: 'alice',
    });
    expect(result.SourceIdentity).toBe('alice');
    expect(result.PackedPolicySize).toBeGreaterThan(0);
    expect(
      (
        await clientsFor(sandbox, temporaryOf(result)).cloudFormation.send(
          new DescribeStacksCommand({ StackName: 'Tagging' }),
        )
      ).Stacks,
    ).toHaveLength(1);
    const otherTeam = await assumeRole({
      RoleArn: roleArn,
      Tags: [{ Key: 'team', Value: 'data' }],
    });
    expect(
      (
        await rejectionOf(
          clientsFor(sandbox, temporaryOf(otherTeam)).cloudFormation.send(
            new DescribeStacksCommand({ StackName: 'Tagging' }),
          ),
        )
      ).name,
    ).toBe('AccessDenied');

    const duplicate = await rejectionOf(
      assumeRole({
        RoleArn: roleArn,
        Tags: [
          { Key: 'Team', Value: 'a' },
          { Key: 'team', Value: 'b' },
        ],
      }),
    );
    expect(duplicate.name).toBe('InvalidParameterValue');
    const notATag = await rejectionOf(
      assumeRole({
        RoleArn: roleArn,
        Tags: [{ Key: 'team', Value: 'a' }],
        TransitiveTagKeys: ['cost'],
      }),
    );
    expect(notATag.name).toBe('InvalidParameterValue');
    expect(
      (await rejectionOf(assumeRole({ RoleArn: roleArn, SourceIdentity: 'aws:me' }))).name,
    ).toBe('ValidationError');
  });
});
