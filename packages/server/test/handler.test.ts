import type { ConnectionCheck, ConnectSession } from '@porter/cloud-connect';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../src/upstream-error';
import { deferred, harness, TEMPLATE_URL, TRUSTED_PRINCIPAL } from './support/handler-harness';

const ACCOUNT = '012345678901';
const CONNECTED: ConnectionCheck = {
  status: 'connected',
  roleArn: `arn:aws:iam::${ACCOUNT}:role/porter-manager`,
  verifiedAt: '2026-11-29T08:01:00.000Z',
};

async function createSession(
  h: ReturnType<typeof harness>,
  tenant = 'tenant-a',
  body: unknown = { accountId: ACCOUNT },
) {
  const { status, body: json } = await h.json('POST', '/sessions', { tenant, body });
  expect(status).toBe(201);
  return json.session as ConnectSession;
}

describe('POST /sessions', () => {
  it('creates a session with an ExternalId from a cryptographic source, within the ExternalId pattern', async () => {
    const h = harness();
    const session = await createSession(h);
    expect(session).toMatchObject({
      accountId: ACCOUNT,
      region: 'us-east-1',
      stackName: 'PorterRole',
      roleName: 'porter-manager',
      templateUrl: TEMPLATE_URL,
      createdAt: '2026-11-29T08:00:00.000Z',
    });
    expect(session.externalId).toMatch(/^[\w+=,.@:/-]{2,1224}$/);
    // 32 base64url characters after the prefix carry 192 bits.
    expect(session.externalId.length).toBeGreaterThanOrEqual(24);
    expect(session.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('stores the session before answering', async () => {
    const h = harness();
    const session = await createSession(h);
    expect(await h.store.findBySession('tenant-a', session.sessionId)).toMatchObject({
      externalId: session.externalId,
    });
  });

  it('builds the quick-create link with the ExternalId and trusted principal, and the stacks console link', async () => {
    const h = harness();
    const session = await createSession(h);
    const url = new URL(session.quickCreateUrl);
    expect(url.origin).toBe('https://us-east-1.console.aws.amazon.com');
    const fragment = new URLSearchParams(url.hash.replace(/^#\/stacks\/quickcreate\?/, ''));
    expect(fragment.get('param_ExternalId')).toBe(session.externalId);
    expect(fragment.get('param_TrustedPrincipalArn')).toBe(TRUSTED_PRINCIPAL);
    expect(fragment.get('templateURL')).toBe(TEMPLATE_URL);
    expect(fragment.get('stackName')).toBe('PorterRole');
    expect(session.stacksConsoleUrl).toContain('PorterRole');
  });

  it('returns the same session and ExternalId for the same tenant and account, for ever (reload, second tab)', async () => {
    const h = harness();
    const first = await createSession(h);
    h.clock.now += 365 * 24 * 3600 * 1000;
    const again = await createSession(h, 'tenant-a', { accountId: '0123-4567-8901' });
    expect(again.sessionId).toBe(first.sessionId);
    expect(again.externalId).toBe(first.externalId);
  });

  it('keeps one ExternalId when two tabs create the session at the same time', async () => {
    const h = harness();
    const sessions = await Promise.all(Array.from({ length: 10 }, () => createSession(h)));
    expect(new Set(sessions.map((s) => s.externalId)).size).toBe(1);
  });

  it('logs one "session created" however many tabs race to create it', async () => {
    const created: unknown[] = [];
    const h = harness({
      logger: { info: (message, fields) => message.includes('created') && created.push(fields) },
    });
    const sessions = await Promise.all(Array.from({ length: 10 }, () => createSession(h)));
    expect(created).toEqual([
      { tenantId: 'tenant-a', accountId: ACCOUNT, sessionId: sessions[0]?.sessionId },
    ]);
  });

  it('gives different accounts and different tenants different ExternalIds', async () => {
    const h = harness();
    const a = await createSession(h, 'tenant-a');
    const b = await createSession(h, 'tenant-b');
    const c = await createSession(h, 'tenant-a', { accountId: '999999999999' });
    expect(new Set([a.externalId, b.externalId, c.externalId]).size).toBe(3);
  });

  it('ignores an ExternalId (and a tenant) supplied by the client', async () => {
    const h = harness();
    const session = await createSession(h, 'tenant-a', {
      accountId: ACCOUNT,
      externalId: 'attacker-chosen',
      tenantId: 'tenant-b',
    });
    expect(session.externalId).not.toBe('attacker-chosen');
    expect(await h.store.findByAccount('tenant-b', ACCOUNT)).toBeNull();
  });

  it.each([
    ['missing', {}],
    ['too short', { accountId: '1234' }],
    ['letters', { accountId: '12345678901a' }],
    ['a number (leading zeros lost)', { accountId: 12345678901 }],
  ])(
    'refuses an account ID that is %s with 400 INVALID_ACCOUNT_ID and a message',
    async (_label, body) => {
      const h = harness();
      const { status, body: json } = await h.json('POST', '/sessions', {
        tenant: 'tenant-a',
        body,
      });
      expect(status).toBe(400);
      expect(json.error).toMatchObject({ code: 'INVALID_ACCOUNT_ID' });
      expect((json.error as { message: string }).message.length).toBeGreaterThan(10);
    },
  );
});

describe('POST /sessions/:id/check', () => {
  it('answers the verifier outcome and records a connection, which GET /connection then returns', async () => {
    const h = harness();
    const session = await createSession(h);
    expect((await h.json('GET', '/connection', { tenant: 'tenant-a' })).body).toEqual({
      connection: null,
    });
    h.verifier.nextConnection = async () => CONNECTED;
    const { status, body } = await h.json('POST', `/sessions/${session.sessionId}/check`, {
      tenant: 'tenant-a',
    });
    expect(status).toBe(200);
    expect(body.check).toMatchObject({ status: 'connected' });
    expect(h.verifier.connectionCalls[0]).toEqual({
      accountId: ACCOUNT,
      externalId: session.externalId,
      region: 'us-east-1',
      roleName: 'porter-manager',
      stackName: 'PorterRole',
    });
    expect((await h.json('GET', '/connection', { tenant: 'tenant-a' })).body).toEqual({
      connection: {
        accountId: ACCOUNT,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/porter-manager`,
        verifiedAt: '2026-11-29T08:01:00.000Z',
        sessionId: session.sessionId,
      },
    });
  });

  it('accepts an empty body, {} and a body without content type when empty', async () => {
    const h = harness();
    const session = await createSession(h);
    const path = `/sessions/${session.sessionId}/check`;
    expect((await h.send('POST', path, { tenant: 'tenant-a' })).status).toBe(200);
    expect((await h.send('POST', path, { tenant: 'tenant-a', body: {} })).status).toBe(200);
  });

  it('answers failed verdicts with 200 and never records EXTERNAL_ID_NOT_ENFORCED as connected', async () => {
    const h = harness();
    const session = await createSession(h);
    h.verifier.nextConnection = async () => ({
      status: 'failed',
      code: 'EXTERNAL_ID_NOT_ENFORCED',
      message: 'not enforced',
    });
    const { status, body } = await h.json('POST', `/sessions/${session.sessionId}/check`, {
      tenant: 'tenant-a',
    });
    expect(status).toBe(200);
    expect(body.check).toMatchObject({ status: 'failed', code: 'EXTERNAL_ID_NOT_ENFORCED' });
    expect((await h.store.findBySession('tenant-a', session.sessionId))?.status).toBe('pending');
    expect((await h.json('GET', '/connection', { tenant: 'tenant-a' })).body.connection).toBeNull();
  });

  it('drops a stored connection when the role later stops enforcing its ExternalId', async () => {
    const h = harness();
    const session = await createSession(h);
    h.verifier.nextConnection = async () => CONNECTED;
    await h.send('POST', `/sessions/${session.sessionId}/check`, { tenant: 'tenant-a' });
    expect(
      (await h.json('GET', '/connection', { tenant: 'tenant-a' })).body.connection,
    ).not.toBeNull();
    h.verifier.nextConnection = async () => ({
      status: 'failed',
      code: 'EXTERNAL_ID_NOT_ENFORCED',
      message: 'not enforced',
    });
    await h.send('POST', `/sessions/${session.sessionId}/check`, { tenant: 'tenant-a' });
    expect((await h.json('GET', '/connection', { tenant: 'tenant-a' })).body.connection).toBeNull();
  });

  it('answers 502 UPSTREAM when AWS gave no verdict', async () => {
    const h = harness();
    const session = await createSession(h);
    h.verifier.nextConnection = async () => {
      throw new UpstreamError('unexpected', { awsErrorName: 'Weird' });
    };
    const { status, body } = await h.json('POST', `/sessions/${session.sessionId}/check`, {
      tenant: 'tenant-a',
    });
    expect(status).toBe(502);
    expect(body.error).toMatchObject({ code: 'UPSTREAM' });
  });

  it('answers 404 for an unknown or malformed session id', async () => {
    const h = harness();
    for (const id of ['0f0f0f0f-0000-4000-8000-000000000000', 'not-a-uuid', '%E0%A4%A']) {
      const { status, body } = await h.json('POST', `/sessions/${id}/check`, {
        tenant: 'tenant-a',
      });
      expect(status).toBe(404);
      expect(body.error).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(h.verifier.connectionCalls).toHaveLength(0);
  });

  it('shares one AWS call among concurrent checks of one session (single-flight)', async () => {
    const h = harness();
    const session = await createSession(h);
    const answer = deferred<ConnectionCheck>();
    h.verifier.nextConnection = () => answer.promise;
    const path = `/sessions/${session.sessionId}/check`;
    const responses = Array.from({ length: 8 }, () => h.json('POST', path, { tenant: 'tenant-a' }));
    await new Promise((resolve) => setImmediate(resolve));
    answer.resolve({ status: 'pending', reason: 'not-assumable' });
    const results = await Promise.all(responses);
    expect(h.verifier.connectionCalls).toHaveLength(1);
    expect(results.every((r) => r.status === 200)).toBe(true);
    // The next check after the shared one settled asks AWS again.
    h.verifier.nextConnection = async () => ({ status: 'pending', reason: 'network' });
    expect((await h.json('POST', path, { tenant: 'tenant-a' })).body.check).toEqual({
      status: 'pending',
      reason: 'network',
    });
    expect(h.verifier.connectionCalls).toHaveLength(2);
  });
});

describe('tenant isolation', () => {
  it("never lets one tenant check, see or revoke another tenant's session (404)", async () => {
    const h = harness();
    const theirs = await createSession(h, 'tenant-a');
    h.verifier.nextConnection = async () => CONNECTED;
    await h.send('POST', `/sessions/${theirs.sessionId}/check`, { tenant: 'tenant-a' });
    h.verifier.connectionCalls.length = 0;

    const check = await h.json('POST', `/sessions/${theirs.sessionId}/check`, {
      tenant: 'tenant-b',
    });
    expect(check.status).toBe(404);
    expect(check.body.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(h.verifier.connectionCalls).toHaveLength(0);

    const revoke = await h.json('POST', '/revocation/check', {
      tenant: 'tenant-b',
      body: { accountId: ACCOUNT },
    });
    expect(revoke.status).toBe(404);
    expect(h.verifier.revocationCalls).toHaveLength(0);

    expect((await h.json('GET', '/connection', { tenant: 'tenant-b' })).body.connection).toBeNull();

    // tenant-b connecting the same AWS account gets its own session and ExternalId.
    const mine = await createSession(h, 'tenant-b');
    expect(mine.sessionId).not.toBe(theirs.sessionId);
    expect(mine.externalId).not.toBe(theirs.externalId);
  });
});

describe('authentication', () => {
  it('answers 401 UNAUTHORIZED without a tenant, on every route, before touching the store', async () => {
    const h = harness();
    for (const [method, path] of [
      ['POST', '/sessions'],
      ['POST', '/sessions/0f0f0f0f-0000-4000-8000-000000000000/check'],
      ['GET', `/blockers?accountId=${ACCOUNT}`],
      ['POST', '/revocation/check'],
      ['GET', '/connection'],
    ] as const) {
      const { status, body } = await h.json(method, path, {
        ...(method === 'POST' ? { body: { accountId: ACCOUNT } } : {}),
      });
      expect(status).toBe(401);
      expect(body.error).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    expect(await h.store.findByAccount('', ACCOUNT)).toBeNull();
  });

  it('treats an authenticate that throws (a malformed token) as 401, not a crash', async () => {
    const h = harness({
      authenticate: async () => {
        throw new Error('jwt malformed');
      },
    });
    expect((await h.send('GET', '/connection', { tenant: 'x' })).status).toBe(401);
  });
});

describe('GET /blockers', () => {
  it("lists the host's blockers for the tenant and account", async () => {
    const seen: unknown[] = [];
    const h = harness({
      listBlockers: async (input) => {
        seen.push(input);
        return [{ id: 'c1', kind: 'cluster', name: 'production' }];
      },
    });
    const { status, body } = await h.json('GET', '/blockers?accountId=0123-4567-8901', {
      tenant: 'tenant-a',
    });
    expect(status).toBe(200);
    expect(body).toEqual({ blockers: [{ id: 'c1', kind: 'cluster', name: 'production' }] });
    expect(seen).toEqual([{ tenantId: 'tenant-a', accountId: ACCOUNT }]);
  });

  it('refuses a missing or invalid account ID with 400 INVALID_ACCOUNT_ID', async () => {
    const h = harness();
    for (const query of ['', '?accountId=', '?accountId=12']) {
      const { status, body } = await h.json('GET', `/blockers${query}`, { tenant: 'tenant-a' });
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ code: 'INVALID_ACCOUNT_ID' });
    }
  });
});

describe('POST /revocation/check', () => {
  it('records the revocation, after which GET /connection returns null', async () => {
    const h = harness();
    const session = await createSession(h);
    h.verifier.nextConnection = async () => CONNECTED;
    await h.send('POST', `/sessions/${session.sessionId}/check`, { tenant: 'tenant-a' });

    h.verifier.nextRevocation = async () => ({
      status: 'pending',
      stackStatus: 'DELETE_IN_PROGRESS',
    });
    const pending = await h.json('POST', '/revocation/check', {
      tenant: 'tenant-a',
      body: { accountId: ACCOUNT },
    });
    expect(pending.body.check).toEqual({ status: 'pending', stackStatus: 'DELETE_IN_PROGRESS' });
    expect(
      (await h.json('GET', '/connection', { tenant: 'tenant-a' })).body.connection,
    ).not.toBeNull();

    h.verifier.nextRevocation = async () => ({ status: 'revoked' });
    const revoked = await h.json('POST', '/revocation/check', {
      tenant: 'tenant-a',
      body: { accountId: ACCOUNT },
    });
    expect(revoked).toMatchObject({ status: 200, body: { check: { status: 'revoked' } } });
    expect((await h.store.findBySession('tenant-a', session.sessionId))?.status).toBe('revoked');
    expect((await h.json('GET', '/connection', { tenant: 'tenant-a' })).body.connection).toBeNull();
  });

  it('never marks a session that was never connected as revoked', async () => {
    const h = harness();
    const session = await createSession(h);
    h.verifier.nextRevocation = async () => ({ status: 'revoked' });
    const { body } = await h.json('POST', '/revocation/check', {
      tenant: 'tenant-a',
      body: { accountId: ACCOUNT },
    });
    expect(body.check).toEqual({ status: 'revoked' });
    expect((await h.store.findBySession('tenant-a', session.sessionId))?.status).toBe('pending');
  });

  it('stops recording a connection whose role no longer insists on its ExternalId', async () => {
    const h = harness();
    const session = await createSession(h);
    h.verifier.nextConnection = async () => CONNECTED;
    await h.send('POST', `/sessions/${session.sessionId}/check`, { tenant: 'tenant-a' });
    h.verifier.nextRevocation = async () => ({
      status: 'failed',
      code: 'EXTERNAL_ID_NOT_ENFORCED',
      message: 'not enforced',
    });
    await h.send('POST', '/revocation/check', { tenant: 'tenant-a', body: { accountId: ACCOUNT } });
    expect((await h.store.findBySession('tenant-a', session.sessionId))?.status).toBe('pending');
    expect((await h.json('GET', '/connection', { tenant: 'tenant-a' })).body.connection).toBeNull();
  });

  it('answers 404 for an account the tenant never connected', async () => {
    const h = harness();
    const { status, body } = await h.json('POST', '/revocation/check', {
      tenant: 'tenant-a',
      body: { accountId: ACCOUNT },
    });
    expect(status).toBe(404);
    expect((body.error as { message: string }).message).toContain(ACCOUNT);
  });
});

describe('malformed requests', () => {
  it('answers 400 BAD_REQUEST for malformed JSON and for JSON that is not an object', async () => {
    const h = harness();
    for (const body of ['{"accountId":', 'null', '[1,2]', '"text"', '\u00ff\u00fe']) {
      const { status, body: json } = await h.json('POST', '/sessions', {
        tenant: 'tenant-a',
        body,
      });
      expect(status).toBe(400);
      expect(json.error).toMatchObject({ code: 'BAD_REQUEST' });
    }
  });

  it('answers 415 for a body that is not JSON', async () => {
    const h = harness();
    const { status, body } = await h.json('POST', '/sessions', {
      tenant: 'tenant-a',
      body: 'accountId=012345678901',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(status).toBe(415);
    expect(body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers 413 for an oversized body, reading no more than the limit of a stream that never ends', async () => {
    const h = harness({ config: { maxBodyBytes: 1024 } });
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 512;
        controller.enqueue(new Uint8Array(512).fill(32));
      },
    });
    const response = await h.handler(
      new Request('https://app.example.com/api/cloud-connect/sessions', {
        method: 'POST',
        headers: { authorization: 'Bearer tenant-a', 'content-type': 'application/json' },
        body: endless,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(pulled).toBeLessThan(4096);
  });

  it('answers 404 NOT_FOUND for unknown routes and paths outside the base path', async () => {
    const h = harness();
    for (const path of ['/nope', '/sessions/x/y/z', '/revocation', '']) {
      const { status, body } = await h.json('GET', path, { tenant: 'tenant-a' });
      expect(status).toBe(404);
      expect(body.error).toMatchObject({ code: 'NOT_FOUND' });
    }
    const outside = await h.handler(new Request('https://app.example.com/other/sessions'));
    expect(outside.status).toBe(404);
  });

  it('answers 405 METHOD_NOT_ALLOWED with Allow for a wrong method', async () => {
    const h = harness();
    const post = await h.json('GET', '/sessions', { tenant: 'tenant-a' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('POST');
    expect(post.body.error).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    const get = await h.json('DELETE', '/connection', { tenant: 'tenant-a' });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('GET');
  });

  it('answers 500 INTERNAL, without leaking the error, when a host callback fails', async () => {
    const h = harness({
      listBlockers: async () => {
        throw new Error('database password is hunter2');
      },
    });
    const response = await h.send('GET', `/blockers?accountId=${ACCOUNT}`, { tenant: 'tenant-a' });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('hunter2');
  });
});

describe('rate limit', () => {
  it('answers 429 RATE_LIMITED with Retry-After in seconds once a tenant spends its burst, and recovers with time', async () => {
    const h = harness({ config: { rateLimit: { requestsPerMinute: 60, burst: 3 } } });
    for (let i = 0; i < 3; i += 1) {
      expect((await h.send('GET', '/connection', { tenant: 'tenant-a' })).status).toBe(200);
    }
    const limited = await h.json('GET', '/connection', { tenant: 'tenant-a' });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(limited.headers.get('retry-after')).toBe('1');
    // Other tenants have their own budget.
    expect((await h.send('GET', '/connection', { tenant: 'tenant-b' })).status).toBe(200);
    h.clock.now += 1000;
    expect((await h.send('GET', '/connection', { tenant: 'tenant-a' })).status).toBe(200);
    expect((await h.send('GET', '/connection', { tenant: 'tenant-a' })).status).toBe(429);
  });

  it('defaults to a burst of 30', async () => {
    const h = harness();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) {
      statuses.push((await h.send('GET', '/connection', { tenant: 'tenant-a' })).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('configuration', () => {
  it('refuses at start-up a template URL the quick-create link would not accept', () => {
    expect(() => harness({ config: { templateUrl: 'http://evil.example.com/t.json' } })).toThrow(
      /template/i,
    );
  });

  it('refuses at start-up a region that is not one', () => {
    expect(() => harness({ config: { region: 'moon-1' } })).toThrow(/region/i);
  });

  it('serves the sandbox: console base URL and an allowed template origin', async () => {
    const h = harness({
      config: {
        templateUrl: 'http://127.0.0.1:4566/templates/porter-role.json',
        allowedTemplateOrigins: ['http://127.0.0.1:4566'],
        consoleBaseUrl: 'http://127.0.0.1:4566',
      },
    });
    const session = await createSession(h);
    expect(session.quickCreateUrl.startsWith('http://127.0.0.1:4566/cloudformation/home')).toBe(
      true,
    );
    expect(session.stacksConsoleUrl.startsWith('http://127.0.0.1:4566/cloudformation/home')).toBe(
      true,
    );
  });

  it('matches routes with no base path too', async () => {
    const h = harness({ config: { basePath: '' } });
    const response = await h.handler(
      new Request('https://app.example.com/connection', { headers: { authorization: 'Bearer t' } }),
    );
    expect(response.status).toBe(200);
  });
});
