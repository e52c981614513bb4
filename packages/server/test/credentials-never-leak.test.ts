import { afterEach, describe, expect, it } from 'vitest';
import { createAwsVerifier } from '../src/aws-verifier';
import { createCloudConnectHandler } from '../src/handler';
import type { LogFields, Logger } from '../src/logger';
import { createMemoryStore } from '../src/stores/memory-store';
import { ASSUMED, type FakeAws, fakeAws } from './support/aws-fakes';

let aws: FakeAws | undefined;
afterEach(() => aws?.restore());

/** Every log line, at every level, as one string each. */
function recordingLogger(lines: string[]): Logger {
  const write = (level: string) => (message: string, fields?: LogFields) =>
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

const SECRETS = [ASSUMED.AccessKeyId, ASSUMED.SecretAccessKey, ASSUMED.SessionToken];

describe('temporary credentials', () => {
  it.each([
    ['a role that connects', { role: 'ready' as const }],
    ['a role without the ExternalId condition', { role: 'no-external-id' as const }],
    ['a stack that cannot be read', { role: 'ready' as const, stack: new Error('boom') }],
  ])('never appear in a response body or a log line (%s)', async (_label, behaviour) => {
    aws = fakeAws(behaviour);
    const lines: string[] = [];
    const logger = recordingLogger(lines);
    const handler = createCloudConnectHandler({
      verifier: createAwsVerifier({ region: 'us-east-1', logger }),
      store: createMemoryStore(),
      authenticate: async () => ({ tenantId: 'tenant-a' }),
      listBlockers: async () => [],
      logger,
      config: {
        region: 'us-east-1',
        templateUrl: 'https://porter-templates.s3.us-east-1.amazonaws.com/porter-role.json',
        trustedPrincipalArn: 'arn:aws:iam::111122223333:root',
      },
    });
    const post = (path: string, body: unknown) =>
      handler(
        new Request(`https://app.example.com${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    const bodies: string[] = [];
    const created = await post('/sessions', { accountId: '012345678901' });
    const createdText = await created.text();
    bodies.push(createdText);
    const { session } = JSON.parse(createdText) as {
      session: { sessionId: string; externalId: string };
    };
    // The fake role trusts this session's ExternalId.
    aws.restore();
    aws = fakeAws({ ...behaviour, externalId: session.externalId });
    const check = await post(`/sessions/${session.sessionId}/check`, {});
    bodies.push(await check.text());
    const revocation = await post('/revocation/check', { accountId: '012345678901' });
    bodies.push(await revocation.text());
    const connection = await handler(new Request('https://app.example.com/connection'));
    bodies.push(await connection.text());

    expect(check.status).toBe(200);
    expect(aws.assumeRoleInputs().length).toBeGreaterThan(0);
    for (const text of [...bodies, ...lines]) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
  });
});
