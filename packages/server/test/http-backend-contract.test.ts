import { createHttpBackend } from '@porter/cloud-connect';
import { describe, expect, it } from 'vitest';
import { harness } from './support/handler-harness';

// Core's HTTP client and this handler are two halves of one wire protocol: run them together.
function connectedBackend(tenant: string, h = harness()) {
  const backend = createHttpBackend({
    baseUrl: 'https://app.example.com/api/cloud-connect',
    headers: { authorization: `Bearer ${tenant}` },
    fetch: (input, init) => h.handler(new Request(input, init)),
  });
  return { backend, h };
}

describe("core's createHttpBackend against this handler", () => {
  it('creates a session, checks it, lists blockers, confirms revocation and reads the connection', async () => {
    const { backend, h } = connectedBackend('tenant-a');
    const session = await backend.createSession({ accountId: '0123 4567 8901' });
    expect(session.accountId).toBe('012345678901');
    expect(await backend.createSession({ accountId: '012345678901' })).toEqual(session);

    expect(await backend.checkConnection({ sessionId: session.sessionId })).toEqual({
      status: 'pending',
      reason: 'not-assumable',
    });
    h.verifier.nextConnection = async () => ({
      status: 'connected',
      roleArn: 'arn:aws:iam::012345678901:role/porter-manager',
      verifiedAt: '2026-11-29T08:01:00.000Z',
      templateVersion: '1.0.0',
    });
    expect(await backend.checkConnection({ sessionId: session.sessionId })).toMatchObject({
      status: 'connected',
    });
    expect(await backend.getConnection?.()).toEqual({
      accountId: '012345678901',
      roleArn: 'arn:aws:iam::012345678901:role/porter-manager',
      verifiedAt: '2026-11-29T08:01:00.000Z',
      sessionId: session.sessionId,
    });

    h.blockers.push({ id: 'c1', kind: 'cluster', name: 'production' });
    expect(await backend.listBlockers({ accountId: '012345678901' })).toEqual(h.blockers);

    h.verifier.nextRevocation = async () => ({ status: 'revoked' });
    expect(await backend.checkRevocation({ accountId: '012345678901' })).toEqual({
      status: 'revoked',
    });
    expect(await backend.getConnection?.()).toBeNull();
  });

  it('surfaces the handler errors as the client codes', async () => {
    const { backend } = connectedBackend('tenant-a');
    await expect(backend.createSession({ accountId: '12' })).rejects.toMatchObject({
      code: 'INVALID_ACCOUNT_ID',
    });
    const anonymous = createHttpBackend({
      baseUrl: 'https://app.example.com/api/cloud-connect',
      fetch: (input, init) => harness().handler(new Request(input, init)),
    });
    await expect(anonymous.getConnection?.()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
