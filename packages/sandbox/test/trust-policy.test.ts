import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluateTrustPolicy,
  MalformedPolicyError,
  parsePolicyDocument,
  type TrustRequest,
  wildcardMatches,
} from '../src/trust-policy';

const VENDOR = 'arn:aws:iam::111122223333:user/porter-connect';

function porterTrust(principal: string, externalId: string) {
  return parsePolicyDocument({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  });
}

function request(overrides: Partial<TrustRequest> = {}, externalId?: string): TrustRequest {
  return {
    principalArn: VENDOR,
    principalAccount: '111122223333',
    action: 'sts:AssumeRole',
    context: { 'sts:ExternalId': externalId },
    ...overrides,
  };
}

const EXTERNAL_ID = fc.stringMatching(/^[\w+=,.@:/-]{2,64}$/);

describe('evaluateTrustPolicy', () => {
  it('allows exactly the trusted principal with exactly the ExternalId (property)', () => {
    fc.assert(
      fc.property(
        EXTERNAL_ID,
        fc.option(fc.string({ maxLength: 70 }), { nil: undefined }),
        (expected, presented) => {
          const decision = evaluateTrustPolicy(
            porterTrust(VENDOR, expected),
            request({}, presented),
          );
          expect(decision).toBe(presented === expected ? 'allow' : 'implicit-deny');
        },
      ),
    );
  });

  it('refuses other principals, including other users of the trusted account', () => {
    const policy = porterTrust(VENDOR, 'abc123');
    expect(
      evaluateTrustPolicy(
        policy,
        request({ principalArn: 'arn:aws:iam::111122223333:user/someone-else' }, 'abc123'),
      ),
    ).toBe('implicit-deny');
    expect(
      evaluateTrustPolicy(
        policy,
        request(
          {
            principalArn: 'arn:aws:iam::999988887777:user/porter-connect',
            principalAccount: '999988887777',
          },
          'abc123',
        ),
      ),
    ).toBe('implicit-deny');
  });

  it('treats an account root or a bare account id as every principal of that account', () => {
    for (const principal of ['arn:aws:iam::111122223333:root', '111122223333']) {
      const policy = porterTrust(principal, 'abc123');
      expect(evaluateTrustPolicy(policy, request({}, 'abc123'))).toBe('allow');
      expect(
        evaluateTrustPolicy(
          policy,
          request(
            { principalArn: 'arn:aws:iam::444455556666:user/x', principalAccount: '444455556666' },
            'abc123',
          ),
        ),
      ).toBe('implicit-deny');
    }
  });

  it('matches an assumed-role caller by its role ARN', () => {
    const roleArn = 'arn:aws:iam::111122223333:role/porter-prod';
    const policy = porterTrust(roleArn, 'abc123');
    const caller = request(
      {
        principalArn: 'arn:aws:sts::111122223333:assumed-role/porter-prod/session',
        principalRoleArn: roleArn,
      },
      'abc123',
    );
    expect(evaluateTrustPolicy(policy, caller)).toBe('allow');
  });

  it('only grants the actions it names, with IAM wildcards, case-insensitively', () => {
    const policy = parsePolicyDocument({
      Statement: { Effect: 'Allow', Principal: { AWS: '*' }, Action: ['STS:Assume*'] },
    });
    expect(evaluateTrustPolicy(policy, request())).toBe('allow');
    expect(evaluateTrustPolicy(policy, request({ action: 'sts:TagSession' }))).toBe(
      'implicit-deny',
    );
  });

  it('lets an explicit Deny win over an Allow', () => {
    const policy = parsePolicyDocument({
      Statement: [
        { Effect: 'Allow', Principal: { AWS: VENDOR }, Action: 'sts:AssumeRole' },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'sts:*',
          Condition: { Null: { 'sts:ExternalId': 'true' } },
        },
      ],
    });
    expect(evaluateTrustPolicy(policy, request())).toBe('explicit-deny');
    expect(evaluateTrustPolicy(policy, request({}, 'anything'))).toBe('allow');
  });

  it('reads condition keys case-insensitively and applies negated and IfExists operators as IAM does', () => {
    const condition = (block: Record<string, Record<string, string>>) =>
      parsePolicyDocument({
        Statement: {
          Effect: 'Allow',
          Principal: { AWS: VENDOR },
          Action: 'sts:AssumeRole',
          Condition: block,
        },
      });
    expect(
      evaluateTrustPolicy(
        condition({ StringEquals: { 'STS:EXTERNALID': 'abc' } }),
        request({}, 'abc'),
      ),
    ).toBe('allow');
    expect(
      evaluateTrustPolicy(
        condition({ StringNotEquals: { 'sts:ExternalId': 'abc' } }),
        request({}, undefined),
      ),
    ).toBe('allow');
    expect(
      evaluateTrustPolicy(
        condition({ StringEqualsIfExists: { 'sts:ExternalId': 'abc' } }),
        request({}, undefined),
      ),
    ).toBe('allow');
    expect(
      evaluateTrustPolicy(
        condition({ StringLike: { 'sts:ExternalId': 'ab*' } }),
        request({}, 'abXYZ'),
      ),
    ).toBe('allow');
    expect(
      evaluateTrustPolicy(
        condition({ NumericLessThan: { 'sts:ExternalId': '1' } }),
        request({}, '0'),
      ),
    ).toBe('implicit-deny');
  });

  it('never grants access through an operator it does not model, whatever its name', () => {
    for (const operator of ['Constructor', 'ConstructorIfExists', '__proto__', 'hasOwnProperty']) {
      const policy = parsePolicyDocument(
        `{"Statement":{"Effect":"Allow","Principal":{"AWS":"${VENDOR}"},"Action":"sts:AssumeRole","Condition":{"${operator}":{"sts:ExternalId":"other"}}}}`,
      );
      expect(evaluateTrustPolicy(policy, request({}, 'abc'))).toBe('implicit-deny');
    }
  });

  it('accepts the policy as a JSON string, as CloudFormation does', () => {
    const policy = parsePolicyDocument(
      JSON.stringify({
        Statement: [{ Effect: 'Allow', Principal: { AWS: VENDOR }, Action: 'sts:AssumeRole' }],
      }),
    );
    expect(evaluateTrustPolicy(policy, request())).toBe('allow');
  });
});

describe('parsePolicyDocument', () => {
  it.each([
    ['not JSON', '{'],
    ['no statements', { Version: '2012-10-17', Statement: [] }],
    ['a bad effect', { Statement: { Effect: 'Maybe', Principal: '*', Action: 'sts:AssumeRole' } }],
    ['no action', { Statement: { Effect: 'Allow', Principal: '*' } }],
    ['no principal', { Statement: { Effect: 'Allow', Action: 'sts:AssumeRole' } }],
  ])('refuses a policy with %s', (_, document) => {
    expect(() => parsePolicyDocument(document)).toThrow(MalformedPolicyError);
  });
});

describe('wildcardMatches', () => {
  // The definition: `*` is any run of characters, `?` exactly one, everything else itself.
  const definition = (pattern: string, text: string) =>
    new RegExp(
      `^${[...pattern].map((c) => (c === '*' ? '[^]*' : c === '?' ? '[^]' : `\\u{${c.codePointAt(0)?.toString(16)}}`)).join('')}$`,
      'u',
    ).test(text);

  it('matches exactly as the definition of IAM wildcards (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '\n');
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '\n'), maxLength: 10 }),
        (pattern, text) => {
          expect(wildcardMatches(pattern, text)).toBe(definition(pattern, text));
        },
      ),
    );
  });

  it('compares case-insensitively only when asked', () => {
    expect(wildcardMatches('STS:Assume*', 'sts:AssumeRole', true)).toBe(true);
    expect(wildcardMatches('STS:Assume*', 'sts:AssumeRole')).toBe(false);
  });

  it('answers a pattern with many stars at once, so a policy cannot stall the sandbox', () => {
    expect(wildcardMatches(`${'*a'.repeat(40)}*b`, 'a'.repeat(500))).toBe(false);
    expect(wildcardMatches(`${'*a'.repeat(40)}*b`, `${'a'.repeat(500)}b`)).toBe(true);
  });
});
