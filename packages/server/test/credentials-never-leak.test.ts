import { afterEach, describe, expect, it } from 'vitest';
import { createAwsVerifier } from '../src/aws-verifier';
import { ASSUMED, type FakeAws, fakeAws } from './support/aws-fakes';
import { fakeHttpAws, queryErrorXml } from './support/fake-http-aws';
import { harness } from './support/handler-harness';
import { recordingLogger } from './support/recording-logger';

let aws: FakeAws | undefined;
afterEach(() => aws?.restore());

const VENDOR = {
  accessKeyId: 'AKIAVENDORFAKE000001',
  secretAccessKey: 'vendor/secret/never+logged',
};
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
    // The handler's logger reaches the verifier: given once, it sees the verifier's lines too.
    const h = harness({ verifier: createAwsVerifier({ region: 'us-east-1' }), logger });
    const post = (path: string, body: unknown) =>
      h.send('POST', path, { tenant: 'tenant-a', body });
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
    const connection = await h.send('GET', '/connection', { tenant: 'tenant-a' });
    bodies.push(await connection.text());

    expect(check.status).toBe(200);
    expect(aws.assumeRoleInputs().length).toBeGreaterThan(0);
    for (const text of [...bodies, ...lines]) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
  });
});

describe('vendor credentials', () => {
  it.each([
    ['refused by AWS', { status: 403, body: queryErrorXml('InvalidClientTokenId') }],
    ['expired', { status: 403, body: queryErrorXml('ExpiredToken') }],
  ])('never appear in a response body or a log line when they are %s', async (_label, answer) => {
    const lines: string[] = [];
    const http = fakeHttpAws(() => answer);
    const h = harness({
      verifier: createAwsVerifier({
        region: 'us-east-1',
        clientConfig: {
          endpoint: 'http://127.0.0.1:4566',
          credentials: VENDOR,
          requestHandler: http.handler,
          maxAttempts: 1,
        },
      }),
      logger: recordingLogger(lines),
    });
    const post = async (path: string, body: unknown) =>
      (await h.send('POST', path, { tenant: 'tenant-a', body })).text();
    const created = await post('/sessions', { accountId: '012345678901' });
    const { session } = JSON.parse(created) as { session: { sessionId: string } };
    const bodies = [
      created,
      await post(`/sessions/${session.sessionId}/check`, {}),
      await post('/revocation/check', { accountId: '012345678901' }),
    ];
    expect(bodies[1]).toContain('VENDOR_CREDENTIALS');
    expect(lines.some((line) => line.startsWith('error '))).toBe(true);
    for (const text of [...bodies, ...lines]) {
      expect(text).not.toContain(VENDOR.secretAccessKey);
    }
  });
});
