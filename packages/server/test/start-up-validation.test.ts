import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAwsVerifier } from '../src/aws-verifier';
import { CloudConnectConfigError } from '../src/config-validation';
import { type CloudConnectHandlerOptions, createCloudConnectHandler } from '../src/handler';
import { createMemoryStore } from '../src/stores/memory-store';
import {
  harness,
  scriptedVerifier,
  TEMPLATE_URL,
  TRUSTED_PRINCIPAL,
} from './support/handler-harness';

/** What `fn` threw, for assertions on the error's fields. */
function thrown(fn: () => unknown): CloudConnectConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CloudConnectConfigError) return error;
    throw new Error(`expected a CloudConnectConfigError, got ${String(error)}`);
  }
  throw new Error('expected a throw');
}

function options(
  overrides: Partial<Omit<CloudConnectHandlerOptions, 'config'>> & {
    config?: Partial<CloudConnectHandlerOptions['config']>;
  } = {},
): CloudConnectHandlerOptions {
  return {
    verifier: scriptedVerifier(),
    store: createMemoryStore(),
    authenticate: async () => ({ tenantId: 't' }),
    listBlockers: async () => [],
    ...overrides,
    config: {
      region: 'us-east-1',
      templateUrl: TEMPLATE_URL,
      trustedPrincipalArn: TRUSTED_PRINCIPAL,
      ...overrides.config,
    },
  };
}

describe('createCloudConnectHandler refuses at start-up', () => {
  it.each([
    ['a bare name', 'porter'],
    ['an account ID', '111122223333'],
    ['an STS session ARN', 'arn:aws:sts::111122223333:assumed-role/porter/session'],
    ['a bucket ARN', 'arn:aws:s3:::porter-templates'],
    ['an account with 11 digits', 'arn:aws:iam::11112222333:root'],
    ['a group', 'arn:aws:iam::111122223333:group/admins'],
    ['a role without a name', 'arn:aws:iam::111122223333:role/'],
  ])('a trustedPrincipalArn that is %s, naming the option and the value', (_label, value) => {
    const error = thrown(() =>
      createCloudConnectHandler(options({ config: { trustedPrincipalArn: value } })),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.option).toBe('config.trustedPrincipalArn');
    expect(error.message).toContain('config.trustedPrincipalArn');
    expect(error.message).toContain(JSON.stringify(value));
  });

  it('a trustedPrincipalArn of another partition than the region', () => {
    const value = 'arn:aws-cn:iam::111122223333:role/porter-vendor';
    const error = thrown(() =>
      createCloudConnectHandler(options({ config: { trustedPrincipalArn: value } })),
    );
    expect(error.option).toBe('config.trustedPrincipalArn');
    expect(error.message).toContain(value);
    expect(error.message).toMatch(/aws-cn partition.*us-east-1.*aws\b/);
  });

  it('accepts role (with a path), user and account-root ARNs of the region partition', () => {
    const principals = fc.oneof(
      fc.constant('arn:aws:iam::111122223333:root'),
      fc.constant('arn:aws:iam::111122223333:user/ci/porter-connect'),
      fc
        .tuple(fc.stringMatching(/^[\w+=,.@-]{1,64}$/), fc.constantFrom('', 'team/', 'a/b/'))
        .map(([name, path]) => `arn:aws:iam::111122223333:role/${path}${name}`),
    );
    fc.assert(
      fc.property(principals, (arn) => {
        expect(() =>
          createCloudConnectHandler(options({ config: { trustedPrincipalArn: arn } })),
        ).not.toThrow();
      }),
      { numRuns: 100 },
    );
    expect(() =>
      createCloudConnectHandler(
        options({
          config: {
            region: 'us-gov-west-1',
            trustedPrincipalArn: 'arn:aws-us-gov:iam::111122223333:root',
            templateUrl: 'https://t.s3.us-gov-west-1.amazonaws.com/porter-role.json',
          },
        }),
      ),
    ).not.toThrow();
  });

  it.each([
    ['authenticate', { authenticate: 'tenant-a' }],
    ['listBlockers', { listBlockers: undefined }],
    ['verifier', { verifier: { checkConnection: async () => ({}) } }],
    ['store', { store: {} }],
  ])('a %s that is not what it should be', (option, override) => {
    const error = thrown(() =>
      createCloudConnectHandler(options(override as Partial<CloudConnectHandlerOptions>)),
    );
    expect(error.option).toBe(option);
    expect(error.message).toContain(option);
  });

  it('a template URL the quick-create link would refuse, naming the URL and the option', () => {
    const url = 'http://evil.example.com/t.json';
    const error = thrown(() => harness({ config: { templateUrl: url } }));
    expect(error.option).toBe('config.templateUrl');
    expect(error.message).toContain(url);
    expect(error.message).toContain('config.allowedTemplateOrigins');
  });

  it('a template on an allowed origin outside S3 with no consoleBaseUrl: AWS could not load it', () => {
    const error = thrown(() =>
      harness({
        config: {
          templateUrl: 'http://127.0.0.1:4566/templates/porter-role.json',
          allowedTemplateOrigins: ['http://127.0.0.1:4566'],
        },
      }),
    );
    expect(error.option).toBe('config.consoleBaseUrl');
    expect(error.message).toContain('"http://127.0.0.1:4566/templates/porter-role.json"');
    expect(error.message).toContain('host the template on S3');
  });

  it('accepts allowedTemplateOrigins left beside a template on S3, with or without a console', () => {
    expect(() =>
      harness({
        config: { templateUrl: TEMPLATE_URL, allowedTemplateOrigins: ['http://127.0.0.1:4566'] },
      }),
    ).not.toThrow();
  });

  it('a template URL that is no URL at all', () => {
    const error = thrown(() => harness({ config: { templateUrl: 'porter-role.json' } }));
    expect(error.option).toBe('config.templateUrl');
    expect(error.message).toContain('"porter-role.json"');
  });

  it.each([
    ['no scheme', '127.0.0.1:4566'],
    ['a path', 'http://127.0.0.1:4566/templates'],
    ['not a string', 4566],
  ])('an allowedTemplateOrigins entry with %s, naming its index and value', (_label, value) => {
    const error = thrown(() =>
      harness({
        config: {
          templateUrl: 'http://127.0.0.1:4566/templates/porter-role.json',
          allowedTemplateOrigins: ['http://localhost:1', value as string],
        },
      }),
    );
    expect(error.option).toBe('config.allowedTemplateOrigins[1]');
    expect(error.message).toContain(typeof value === 'string' ? JSON.stringify(value) : 'number');
  });

  it('a verifier made for another partition than config.region', () => {
    const error = thrown(() =>
      createCloudConnectHandler(options({ verifier: createAwsVerifier({ region: 'cn-north-1' }) })),
    );
    expect(error.option).toBe('verifier');
    expect(error.message).toMatch(/aws-cn partition.*"us-east-1".*aws\b/);
  });

  it('a region that is not one, naming it', () => {
    const error = thrown(() => harness({ config: { region: 'moon-1' } }));
    expect(error.option).toBe('config.region');
    expect(error.message).toContain('"moon-1"');
  });
});

describe('createAwsVerifier refuses at start-up', () => {
  it('a partition that is not the region partition', () => {
    const error = thrown(() => createAwsVerifier({ region: 'us-east-1', partition: 'aws-cn' }));
    expect(error.option).toBe('createAwsVerifier partition');
    expect(error.message).toContain('"aws-cn"');
    expect(error.message).toContain('"us-east-1"');
  });

  it('an endpoint that is not a URL', () => {
    const error = thrown(() =>
      createAwsVerifier({ region: 'us-east-1', clientConfig: { endpoint: 'localhost:4566' } }),
    );
    expect(error.option).toBe('createAwsVerifier clientConfig.endpoint');
    expect(error.message).toContain('"localhost:4566"');
  });

  it('tells the handler its partition', () => {
    expect(createAwsVerifier({ region: 'us-gov-east-1' }).partition).toBe('aws-us-gov');
  });
});
