import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Partition } from '../src/partitions';
import { quickCreateUrl } from '../src/quick-create-url';
import { roleArn } from '../src/role-arn';
import { stacksConsoleUrl } from '../src/stacks-console-url';

const cases: { partition: Partition; region: string; host: string; templateUrl: string }[] = [
  {
    partition: 'aws',
    region: 'eu-central-1',
    host: 'eu-central-1.console.aws.amazon.com',
    templateUrl: 'https://porter-templates.s3.us-east-1.amazonaws.com/v1/porter-role-standard.json',
  },
  {
    partition: 'aws-us-gov',
    region: 'us-gov-west-1',
    host: 'us-gov-west-1.console.amazonaws-us-gov.com',
    templateUrl: 'https://s3.us-gov-west-1.amazonaws.com/porter/porter-role-standard.json',
  },
  {
    partition: 'aws-cn',
    region: 'cn-north-1',
    host: 'cn-north-1.console.amazonaws.cn',
    templateUrl: 'https://porter.s3.cn-north-1.amazonaws.com.cn/porter-role-standard.yaml',
  },
];

/** Reads a console link back: its origin, path, query and the query inside its fragment. */
function readBack(href: string) {
  const url = new URL(href);
  const [route, query = ''] = url.hash.slice(1).split('?');
  return {
    origin: url.origin,
    path: url.pathname,
    search: Object.fromEntries(url.searchParams),
    route,
    fragment: Object.fromEntries(new URLSearchParams(query)),
    // What a console that reads the fragment with decodeURIComponent would see.
    decoded: Object.fromEntries(
      query.split('&').map((pair) => pair.split('=').map(decodeURIComponent) as [string, string]),
    ),
  };
}

function urlOf(result: { ok: true; url: string } | { ok: false; message: string }): string {
  if (!result.ok) throw new Error(`expected a link, got: ${result.message}`);
  return result.url;
}

// The ExternalId pattern of the template, so every generated value is one CloudFormation accepts.
const externalId = fc.stringMatching(/^[\w+=,.@:/-]{2,64}$/);

describe('quickCreateUrl', () => {
  for (const { partition, region, host, templateUrl } of cases) {
    it(`opens the quick-create page on the ${partition} console with every value intact`, () => {
      fc.assert(
        fc.property(externalId, (id) => {
          const parameters = {
            ExternalId: id,
            TrustedPrincipalArn: `arn:${partition}:iam::111122223333:role/porter`,
          };
          const link = readBack(
            urlOf(quickCreateUrl({ region, templateUrl, stackName: 'PorterRole', parameters })),
          );
          const expected = {
            templateURL: templateUrl,
            stackName: 'PorterRole',
            param_ExternalId: id,
            param_TrustedPrincipalArn: parameters.TrustedPrincipalArn,
          };
          expect(link.origin).toBe(`https://${host}`);
          expect(link.path).toBe('/cloudformation/home');
          expect(link.search).toEqual({ region });
          expect(link.route).toBe('/stacks/quickcreate');
          expect(link.fragment).toEqual(expected);
          expect(link.decoded).toEqual(expected);
        }),
      );
    });
  }

  it('puts any region of a partition in the console host and the region query', () => {
    const word = fc.stringMatching(/^[a-z]{3,9}$/);
    const number = fc.integer({ min: 1, max: 99 });
    const regions = fc.oneof(
      fc.tuple(fc.constantFrom('eu', 'ap', 'sa'), word, number).map((r) => ['aws', r.join('-')]),
      fc.tuple(fc.constant('us-gov'), word, number).map((r) => ['aws-us-gov', r.join('-')]),
      fc.tuple(fc.constant('cn'), word, number).map((r) => ['aws-cn', r.join('-')]),
    );
    const consoles: Record<string, string> = {
      aws: 'console.aws.amazon.com',
      'aws-us-gov': 'console.amazonaws-us-gov.com',
      'aws-cn': 'console.amazonaws.cn',
    };
    const templates: Record<string, string> = {
      aws: 'https://s3.amazonaws.com/porter/t.json',
      'aws-us-gov': 'https://s3.us-gov-west-1.amazonaws.com/porter/t.json',
      'aws-cn': 'https://s3.cn-north-1.amazonaws.com.cn/porter/t.json',
    };
    fc.assert(
      fc.property(
        regions.filter(([, region]) => !/-iso[a-z]?-/.test(region ?? '')),
        ([partition = '', region = '']) => {
          const quickCreate = quickCreateUrl({
            region,
            templateUrl: templates[partition] ?? '',
            stackName: 'PorterRole',
            parameters: {},
          });
          const stacks = stacksConsoleUrl({ region, stackName: 'PorterRole' });
          for (const link of [readBack(urlOf(quickCreate)), readBack(urlOf(stacks))]) {
            expect(link.origin).toBe(`https://${region}.${consoles[partition]}`);
            expect(link.search).toEqual({ region });
          }
        },
      ),
    );
  });

  it('keeps an ExternalId made of + / = exactly as it was', () => {
    const link = readBack(
      urlOf(
        quickCreateUrl({
          region: 'us-east-1',
          templateUrl: 'https://s3.amazonaws.com/porter/t.json',
          stackName: 'PorterRole',
          parameters: { ExternalId: 'a+b/c==' },
        }),
      ),
    );
    expect(link.fragment.param_ExternalId).toBe('a+b/c==');
    expect(link.decoded.param_ExternalId).toBe('a+b/c==');
  });

  it('encodes any parameter value so it reads back unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        const link = readBack(
          urlOf(
            quickCreateUrl({
              region: 'us-east-1',
              templateUrl: 'https://s3.amazonaws.com/porter/t.json',
              stackName: 'PorterRole',
              parameters: { Note: value },
            }),
          ),
        );
        expect(link.fragment.param_Note).toBe(value);
        expect(link.decoded.param_Note).toBe(value);
      }),
    );
  });

  it('serves the sandbox: its console origin and its http template origin when allowed', () => {
    const link = readBack(
      urlOf(
        quickCreateUrl({
          region: 'us-east-1',
          templateUrl: 'http://127.0.0.1:4566/templates/porter-role-standard.json',
          stackName: 'PorterRole',
          parameters: { ExternalId: 'abc' },
          consoleBaseUrl: 'http://127.0.0.1:4566',
          allowedTemplateOrigins: ['http://127.0.0.1:4566'],
        }),
      ),
    );
    expect(link.origin).toBe('http://127.0.0.1:4566');
    expect(link.path).toBe('/cloudformation/home');
    expect(link.fragment.templateURL).toBe(
      'http://127.0.0.1:4566/templates/porter-role-standard.json',
    );
  });

  it('refuses template URLs that are not https: on S3 of the region partition', () => {
    const refused = [
      'http://s3.amazonaws.com/porter/t.json',
      'https://example.com/t.json',
      'https://s3.amazonaws.com.evil.example/t.json',
      'https://user:pw@s3.amazonaws.com/t.json',
      'https://s3.amazonaws.com:8443/t.json',
      'https://bucket.s3.cn-north-1.amazonaws.com.cn/t.json',
      'http://127.0.0.1:4566/t.json',
      's3://porter/t.json',
      'not a url',
    ];
    for (const templateUrl of refused) {
      const result = quickCreateUrl({
        region: 'us-east-1',
        templateUrl,
        stackName: 'PorterRole',
        parameters: {},
        allowedTemplateOrigins: ['http://127.0.0.1:9999'],
      });
      expect(result, templateUrl).toMatchObject({ ok: false, code: 'invalid-template-url' });
    }
  });

  it('refuses a bad region, console origin, stack name or parameter name with its own code', () => {
    const base = {
      region: 'us-east-1',
      templateUrl: 'https://s3.amazonaws.com/porter/t.json',
      stackName: 'PorterRole',
      parameters: {},
    };
    expect(quickCreateUrl({ ...base, region: 'moon-1' })).toMatchObject({ code: 'invalid-region' });
    expect(quickCreateUrl({ ...base, region: 'us-iso-east-1' })).toMatchObject({
      code: 'unsupported-partition',
    });
    for (const consoleBaseUrl of ['ftp://x', 'http://127.0.0.1:4566/path', 'nope', 'http://h/?q']) {
      expect(quickCreateUrl({ ...base, consoleBaseUrl })).toMatchObject({
        code: 'invalid-console-base-url',
      });
    }
    for (const stackName of ['', '1Porter', 'Porter Role', 'P'.repeat(129)]) {
      expect(quickCreateUrl({ ...base, stackName })).toMatchObject({ code: 'invalid-stack-name' });
    }
    expect(quickCreateUrl({ ...base, parameters: { 'External-Id': 'x' } })).toMatchObject({
      code: 'invalid-parameter',
    });
  });

  it('never throws and never builds a link to another host, for any region or template URL', () => {
    fc.assert(
      fc.property(fc.string(), fc.oneof(fc.webUrl(), fc.string()), (region, templateUrl) => {
        const result = quickCreateUrl({
          region,
          templateUrl,
          stackName: 'PorterRole',
          parameters: {},
        });
        if (result.ok) {
          expect(new URL(result.url).hostname).toMatch(/^[a-z0-9-]+\.console\.aws\.amazon\.com$/);
        } else {
          expect(result.message.length).toBeGreaterThan(10);
        }
      }),
    );
  });
});

describe('stacksConsoleUrl', () => {
  for (const { partition, region, host } of cases) {
    it(`lists the stack on the ${partition} console, filtered to its name`, () => {
      const link = readBack(urlOf(stacksConsoleUrl({ region, stackName: 'PorterRole' })));
      expect(link.origin).toBe(`https://${host}`);
      expect(link.path).toBe('/cloudformation/home');
      expect(link.search).toEqual({ region });
      expect(link.route).toBe('/stacks');
      expect(link.fragment).toEqual({
        filteringText: 'PorterRole',
        filteringStatus: 'active',
        viewNested: 'true',
      });
    });
  }

  it('uses the console origin the sandbox gives', () => {
    const link = readBack(
      urlOf(
        stacksConsoleUrl({
          region: 'us-east-1',
          stackName: 'PorterRole',
          consoleBaseUrl: 'http://127.0.0.1:4566/',
        }),
      ),
    );
    expect(link.origin).toBe('http://127.0.0.1:4566');
    expect(link.search).toEqual({ region: 'us-east-1' });
  });

  it('refuses a malformed region or stack name', () => {
    expect(stacksConsoleUrl({ region: 'nowhere', stackName: 'PorterRole' })).toMatchObject({
      ok: false,
      code: 'invalid-region',
    });
    expect(stacksConsoleUrl({ region: 'us-east-1', stackName: 'a b' })).toMatchObject({
      ok: false,
      code: 'invalid-stack-name',
    });
  });
});

describe('roleArn', () => {
  it('names the role in each partition, from a pasted account ID', () => {
    for (const partition of ['aws', 'aws-us-gov', 'aws-cn'] as const) {
      expect(
        roleArn({ partition, accountId: '0123-4567-8901', roleName: 'porter-manager' }),
      ).toEqual({ ok: true, arn: `arn:${partition}:iam::012345678901:role/porter-manager` });
    }
  });

  it('refuses an unknown partition, a bad account ID or a bad role name', () => {
    expect(
      roleArn({ partition: 'aws-iso' as Partition, accountId: '012345678901', roleName: 'r' }),
    ).toMatchObject({ ok: false, code: 'unsupported-partition' });
    expect(roleArn({ partition: 'aws', accountId: '1234', roleName: 'r' })).toMatchObject({
      ok: false,
      code: 'invalid-account-id',
    });
    for (const roleName of ['', 'a/b', 'x'.repeat(65), 'has space']) {
      expect(roleArn({ partition: 'aws', accountId: '012345678901', roleName })).toMatchObject({
        ok: false,
        code: 'invalid-role-name',
      });
    }
  });
});
