import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsVerifier } from '../src/aws-verifier';
import type { ConnectionVerifier } from '../src/connection-verifier';
import type { Logger } from '../src/logger';
import { awsError, type FakeAws, fakeAws } from './support/aws-fakes';
import { harness } from './support/handler-harness';
import { recordingLogger } from './support/recording-logger';

let aws: FakeAws | undefined;
afterEach(() => aws?.restore());

const VENDOR = { accessKeyId: 'AKIAVENDORFAKE000001', secretAccessKey: 'vendor/secret/fake' };

/** A handler with `logger` (and none on the verifier), and one check of a new session. */
async function checkOnce(verifier: ConnectionVerifier, logger: Logger) {
  const h = harness({ verifier, logger });
  const created = await h.json('POST', '/sessions', {
    tenant: 'tenant-a',
    body: { accountId: '012345678901' },
  });
  const session = created.body.session as { sessionId: string };
  const checked = await h.json('POST', `/sessions/${session.sessionId}/check`, {
    tenant: 'tenant-a',
    body: {},
  });
  return checked.body.check as { status: string; code?: string };
}

describe('log lines a developer can act on', () => {
  it('reports vendor credentials AWS refuses at error level, naming the error and the endpoint, through the handler logger', async () => {
    aws = fakeAws();
    aws.sts.rejects(awsError('InvalidClientTokenId', 403));
    const lines: string[] = [];
    const check = await checkOnce(
      createAwsVerifier({ region: 'us-east-1' }),
      recordingLogger(lines),
    );
    expect(check).toMatchObject({ status: 'failed', code: 'VENDOR_CREDENTIALS' });
    const errors = lines.filter((line) => line.startsWith('error '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('InvalidClientTokenId');
    expect(errors[0]).toContain('the default AWS endpoint for us-east-1');
    expect(errors[0]).toContain('clientConfig.credentials');
  });

  it('reports an endpoint nothing listens on at warn level, naming it and ECONNREFUSED (real SDK, real socket)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const endpoint = `http://127.0.0.1:${port}`;

    const lines: string[] = [];
    const verifier = createAwsVerifier({
      region: 'us-east-1',
      clientConfig: { endpoint, credentials: VENDOR, maxAttempts: 1 },
    });
    const check = await checkOnce(verifier, recordingLogger(lines));
    expect(check).toEqual({ status: 'pending', reason: 'network' });
    const warnings = lines.filter((line) => line.startsWith('warn '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(endpoint);
    expect(warnings[0]).toContain('ECONNREFUSED');
  });

  it('keeps a plain AccessDenied (the role is not there yet) at debug level', async () => {
    aws = fakeAws({ role: 'missing' });
    const lines: string[] = [];
    await checkOnce(createAwsVerifier({ region: 'us-east-1' }), recordingLogger(lines));
    expect(lines.filter((line) => /^(warn|error) /.test(line))).toEqual([]);
    expect(lines.some((line) => line.startsWith('debug AssumeRole refused'))).toBe(true);
  });

  it("uses the verifier's own logger when it was given one", async () => {
    aws = fakeAws();
    aws.sts.rejects(awsError('ExpiredToken', 403));
    const own: string[] = [];
    const handlers: string[] = [];
    await checkOnce(
      createAwsVerifier({ region: 'us-east-1', logger: recordingLogger(own) }),
      recordingLogger(handlers),
    );
    expect(own.filter((line) => line.startsWith('error '))).toHaveLength(1);
    expect(handlers.filter((line) => line.startsWith('error '))).toEqual([]);
  });
});
