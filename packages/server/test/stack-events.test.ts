// The SNS route of stack events: what CloudFormation's notifications may do to a session, and
// that every custom resource request is answered whatever the verdict.
import { createSnsSigner, type SnsSigner } from '@porter/cloud-connect-sandbox';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudConnectConfigError } from '../src/config-validation';
import { eventTokenFor } from '../src/stack-events/event-token';
import {
  createMemoryStackEventStore,
  type StackEventStore,
} from '../src/stack-events/stack-event-store';
import { type Harness, harness } from './support/handler-harness';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:cloud-connect-events';
const SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123.pem';
const RESPONSE_URL =
  'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws/stack?X-Amz-Signature=abc';
const ACCOUNT = '012345678901';
const STACK_ID = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/PorterRole/7d3c0b70-0000-11ef-9999-0a1b2c3d4e5f`;
const NOW = Date.parse('2026-11-29T08:00:00Z');

let signer: SnsSigner;
let h: Harness;
let answers: { url: string; body: Record<string, unknown> }[];
let fetched: string[];
let messageCount = 0;
const nextId = () => {
  messageCount += 1;
  return messageCount;
};

beforeEach(() => {
  signer ??= createSnsSigner({
    notBefore: new Date(NOW - 86_400_000),
    notAfter: new Date(NOW + 86_400_000),
  });
  answers = [];
  fetched = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (init?.method === 'PUT') {
      answers.push({ url, body: JSON.parse(new TextDecoder().decode(init.body as Uint8Array)) });
      return new Response('', { status: 200 });
    }
    fetched.push(url);
    if (url.endsWith('.pem')) return new Response(signer.certificatePem);
    return new Response('<ConfirmSubscriptionResponse/>');
  };
  h = harness({
    config: {
      events: {
        topics: { 'us-east-1': TOPIC },
        tokenSecret: SECRET,
        fetch,
        backgroundIntervalMs: 0,
      },
    },
  });
  h.clock.now = NOW;
});

afterEach(async () => {
  await h.handler.close();
});

async function session(tenant = 'acme') {
  const { body } = await h.json('POST', '/sessions', { tenant, body: { accountId: ACCOUNT } });
  return body.session as { sessionId: string; quickCreateUrl: string };
}

function customResource(
  sessionId: string,
  overrides: Record<string, unknown> = {},
  properties: Record<string, unknown> = {},
  token?: string,
) {
  return {
    RequestType: 'Create',
    ResponseURL: RESPONSE_URL,
    StackId: STACK_ID,
    RequestId: `req-${nextId()}`,
    LogicalResourceId: 'CloudConnectStackStarted',
    ResourceType: 'Custom::CloudConnectStackEvent',
    ResourceProperties: {
      ServiceToken: TOPIC,
      Event: 'stack-started',
      SessionId: sessionId,
      EventToken: token,
      TemplateVersion: '1.0.0',
      ...properties,
    },
    ...overrides,
  };
}

// Each notification is published a moment after the one before, as CloudFormation sends them.
let lastPublished = NOW - 60_000;
const nextPublished = () => {
  lastPublished += 10;
  return new Date(lastPublished).toISOString();
};

function notification(
  message: unknown,
  overrides: Record<string, string> = {},
  version: '1' | '2' = '2',
) {
  const fields: Record<string, string> = {
    Type: 'Notification',
    MessageId: `m-${nextId()}`,
    TopicArn: TOPIC,
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    Timestamp: nextPublished(),
    SignatureVersion: version,
    SigningCertURL: CERT_URL,
    ...overrides,
  };
  return {
    ...fields,
    Message: fields.Message as string,
    Signature: overrides.Signature ?? signer.sign(fields, version),
  };
}

async function deliver(body: unknown) {
  // SNS posts text/plain.
  return h.json('POST', '/events', {
    body: JSON.stringify(body),
    headers: {
      'content-type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': 'Notification',
    },
  });
}

async function stackEvent(
  sessionId: string,
  request: Record<string, unknown> = {},
  properties = {},
  notificationOverrides: Record<string, string> = {},
) {
  const token = await eventTokenFor(SECRET, sessionId);
  return deliver(
    notification(customResource(sessionId, request, properties, token), notificationOverrides),
  );
}

async function check(sessionId: string, tenant = 'acme') {
  const { body } = await h.json('POST', `/sessions/${sessionId}/check`, { tenant });
  return body.check as Record<string, unknown>;
}

describe('links with stack events', () => {
  it('carry the session id, its token (not the ExternalId) and the region topic', async () => {
    const { sessionId, quickCreateUrl } = await session();
    const fragment = new URLSearchParams(new URL(quickCreateUrl).hash.split('?')[1]);
    expect(fragment.get('param_CloudConnectSessionId')).toBe(sessionId);
    expect(fragment.get('param_CloudConnectEventToken')).toBe(
      await eventTokenFor(SECRET, sessionId),
    );
    expect(fragment.get('param_CloudConnectEventTopicArn')).toBe(TOPIC);
    expect(fragment.get('param_CloudConnectEventToken')).not.toBe(fragment.get('param_ExternalId'));
  });
});

describe('a signed stack event', () => {
  it('is answered SUCCESS at its ResponseURL, with the ids CloudFormation expects', async () => {
    const { sessionId } = await session();
    const { status, body } = await stackEvent(sessionId);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', reason: 'recorded' });
    expect(answers).toHaveLength(1);
    expect(answers[0]?.url).toBe(RESPONSE_URL);
    expect(answers[0]?.body).toMatchObject({
      Status: 'SUCCESS',
      StackId: STACK_ID,
      LogicalResourceId: 'CloudConnectStackStarted',
    });
    expect(fetched).toEqual([CERT_URL]);
  });

  it('turns a pending check into "creating" once the stack started', async () => {
    const { sessionId } = await session();
    expect(await check(sessionId)).toMatchObject({ status: 'pending', reason: 'not-assumable' });
    await stackEvent(sessionId);
    expect(await check(sessionId)).toMatchObject({ status: 'pending', reason: 'creating' });
  });

  it('makes a rollback STACK_FAILED once, then a relaunched stack starts clean', async () => {
    const { sessionId } = await session();
    await stackEvent(sessionId);
    // The old stack's other resource is deleted too; SNS delivers that Delete only later.
    const lateDeletePublished = nextPublished();
    await stackEvent(sessionId, { RequestType: 'Delete', PhysicalResourceId: 'p-1' });
    expect(await check(sessionId)).toMatchObject({ status: 'failed', code: 'STACK_FAILED' });
    expect(await check(sessionId)).toMatchObject({ status: 'pending', reason: 'not-assumable' });
    const again = STACK_ID.replace('7d3c0b70', '8e4d1c81');
    await stackEvent(sessionId, { StackId: again });
    expect(await check(sessionId)).toMatchObject({ status: 'pending', reason: 'creating' });
    // The old stack's late Delete says nothing about the new one.
    await stackEvent(
      sessionId,
      { RequestType: 'Delete', PhysicalResourceId: 'p-2' },
      { Event: 'role-created' },
      { Timestamp: lateDeletePublished },
    );
    expect(await check(sessionId)).toMatchObject({ status: 'pending', reason: 'creating' });
  });

  it('never connects anything by itself: AssumeRole decides', async () => {
    const { sessionId } = await session();
    await stackEvent(
      sessionId,
      { LogicalResourceId: 'CloudConnectRoleCreated' },
      { Event: 'role-created' },
    );
    await h.handler.runPendingVerifications();
    expect(await check(sessionId)).toMatchObject({ status: 'pending' });
    expect((await h.json('GET', '/connection', { tenant: 'acme' })).body.connection).toBeNull();
  });

  it('verifies at once when the role exists, and records the connection with no browser', async () => {
    const { sessionId } = await session();
    h.verifier.nextConnection = async () => ({
      status: 'connected',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/porter-manager`,
      verifiedAt: new Date(NOW).toISOString(),
    });
    const calls = h.verifier.connectionCalls.length;
    await stackEvent(
      sessionId,
      { LogicalResourceId: 'CloudConnectRoleCreated' },
      { Event: 'role-created' },
    );
    await h.handler.close();
    expect(h.verifier.connectionCalls.length).toBe(calls + 1);
    const { body } = await h.json('GET', '/connection', { tenant: 'acme' });
    expect(body.connection).toMatchObject({ sessionId, accountId: ACCOUNT });
    expect(await h.handler.runPendingVerifications()).toEqual({
      checked: 0,
      connected: 0,
      revoked: 0,
    });
  });

  it('keeps checking in the background until IAM propagated', async () => {
    const { sessionId } = await session();
    let propagated = false;
    h.verifier.nextConnection = async () =>
      propagated
        ? {
            status: 'connected',
            roleArn: `arn:aws:iam::${ACCOUNT}:role/porter-manager`,
            verifiedAt: new Date(NOW).toISOString(),
          }
        : { status: 'pending', reason: 'not-assumable' };
    await stackEvent(
      sessionId,
      { LogicalResourceId: 'CloudConnectRoleCreated' },
      { Event: 'role-created' },
    );
    await h.handler.close();
    expect(await h.handler.runPendingVerifications()).toEqual({
      checked: 1,
      connected: 0,
      revoked: 0,
    });
    propagated = true;
    expect(await h.handler.runPendingVerifications()).toEqual({
      checked: 1,
      connected: 1,
      revoked: 0,
    });
    expect(await h.handler.runPendingVerifications()).toEqual({
      checked: 0,
      connected: 0,
      revoked: 0,
    });
  });

  it('confirms revocation at once on a Delete of a connected session (AssumeRole still decides)', async () => {
    const { sessionId } = await session();
    h.verifier.nextConnection = async () => ({
      status: 'connected',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/porter-manager`,
      verifiedAt: new Date(NOW).toISOString(),
    });
    await check(sessionId);
    h.verifier.nextRevocation = async () => ({ status: 'revoked' });
    await stackEvent(sessionId, { RequestType: 'Delete', PhysicalResourceId: 'p' });
    await h.handler.close();
    expect(h.verifier.revocationCalls).toHaveLength(1);
    expect((await h.json('GET', '/connection', { tenant: 'acme' })).body.connection).toBeNull();
  });
});

describe('stack events delivered out of order (SNS promises no order)', () => {
  it('keep a rolled-back stack failed when its start arrives after its Delete', async () => {
    const { sessionId } = await session();
    await stackEvent(sessionId, { RequestType: 'Delete', PhysicalResourceId: 'p-1' });
    expect((await stackEvent(sessionId)).body).toMatchObject({ reason: 'unchanged' });
    expect(await check(sessionId)).toMatchObject({ status: 'failed', code: 'STACK_FAILED' });
  });

  it('keep verifying a created role when the stack start arrives after it', async () => {
    const { sessionId } = await session();
    await stackEvent(
      sessionId,
      { LogicalResourceId: 'CloudConnectRoleCreated' },
      { Event: 'role-created' },
    );
    expect((await stackEvent(sessionId)).body).toMatchObject({ reason: 'unchanged' });
    await h.handler.close();
    // IAM has not propagated yet: the background checks go on for this session.
    expect(await h.handler.runPendingVerifications()).toEqual({
      checked: 1,
      connected: 0,
      revoked: 0,
    });
  });
});

describe('notifications that are refused, and still answered', () => {
  it('a forged signature', async () => {
    const { sessionId } = await session();
    const token = await eventTokenFor(SECRET, sessionId);
    const message = notification(customResource(sessionId, {}, {}, token));
    const forged = {
      ...message,
      Message: message.Message.replace('stack-started', 'role-created'),
    };
    const { status, body } = await deliver(forged);
    expect(status).toBe(403);
    expect(body).toMatchObject({ reason: 'signature' });
    expect(answers.map((a) => a.body.Status)).toEqual(['SUCCESS']);
    expect(await check(sessionId)).toMatchObject({ reason: 'not-assumable' });
  });

  it('an unsigned message', async () => {
    const { sessionId } = await session();
    const message = notification(
      customResource(sessionId, {}, {}, await eventTokenFor(SECRET, sessionId)),
    );
    const { status } = await deliver({ ...message, Signature: '' });
    expect(status).toBe(403);
    expect(answers).toHaveLength(1);
    expect(await check(sessionId)).toMatchObject({ reason: 'not-assumable' });
  });

  it('a certificate on another host than SNS of the topic region (never fetched)', async () => {
    for (const url of [
      'https://sns.us-east-1.amazonaws.com.evil.example/cert.pem',
      'http://sns.us-east-1.amazonaws.com/cert.pem',
      'https://sns.eu-west-1.amazonaws.com/cert.pem',
      'https://evil.example/sns.us-east-1.amazonaws.com/cert.pem',
      'https://user:pass@sns.us-east-1.amazonaws.com/cert.pem',
    ]) {
      const { sessionId } = await session();
      const token = await eventTokenFor(SECRET, sessionId);
      const { status, body } = await deliver(
        notification(customResource(sessionId, {}, {}, token), { SigningCertURL: url }),
      );
      expect(status).toBe(403);
      expect(body).toMatchObject({ reason: 'certificate-host' });
    }
    expect(fetched).toEqual([]);
    expect(answers).toHaveLength(5);
  });

  it('a replay: the same message again, or one older than the window', async () => {
    const { sessionId } = await session();
    const token = await eventTokenFor(SECRET, sessionId);
    const message = notification(customResource(sessionId, {}, {}, token));
    expect((await deliver(message)).body).toMatchObject({ reason: 'recorded' });
    expect((await deliver(message)).body).toMatchObject({ reason: 'duplicate' });
    const old = notification(customResource(sessionId, {}, {}, token), {
      Timestamp: new Date(NOW - 2 * 3_600_000).toISOString(),
    });
    expect(await deliver(old)).toMatchObject({ status: 403, body: { reason: 'stale' } });
    expect(answers).toHaveLength(3);
  });

  it('a stack in another account than the session', async () => {
    const { sessionId } = await session();
    const other = STACK_ID.replace(ACCOUNT, '999999999999');
    const { body } = await stackEvent(sessionId, { StackId: other });
    expect(body).toMatchObject({ reason: 'wrong-account' });
    expect(answers).toHaveLength(1);
    expect(await check(sessionId)).toMatchObject({ reason: 'not-assumable' });
  });

  it('a wrong token, an unknown session and an unknown topic', async () => {
    const { sessionId } = await session();
    const wrong = await deliver(notification(customResource(sessionId, {}, {}, 'x'.repeat(43))));
    expect(wrong.body).toMatchObject({ reason: 'wrong-token' });
    const unknown = crypto.randomUUID();
    const stranger = await deliver(
      notification(customResource(unknown, {}, {}, await eventTokenFor(SECRET, unknown))),
    );
    expect(stranger.body).toMatchObject({ reason: 'unknown-session' });
    const topic = await deliver(
      notification(customResource(sessionId), { TopicArn: TOPIC.replace('events', 'other') }),
    );
    expect(topic).toMatchObject({ status: 403, body: { reason: 'unknown-topic' } });
    expect(answers).toHaveLength(3);
  });

  it("a ResponseURL that is not CloudFormation's S3 is never called", async () => {
    const { sessionId } = await session();
    const token = await eventTokenFor(SECRET, sessionId);
    for (const url of [
      'https://evil.example/x',
      'http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x',
      'https://169.254.169.254/latest',
      'https://user:pass@cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x',
    ]) {
      await deliver(notification(customResource(sessionId, { ResponseURL: url }, {}, token)));
    }
    expect(answers).toEqual([]);
  });

  it('accepts SignatureVersion 1 (SHA1) as well as 2', async () => {
    const { sessionId } = await session();
    const token = await eventTokenFor(SECRET, sessionId);
    const { body } = await deliver(notification(customResource(sessionId, {}, {}, token), {}, '1'));
    expect(body).toMatchObject({ reason: 'recorded' });
  });

  it('never crashes, and answers 4xx or 200, on any body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (text) => {
          const response = await h.send('POST', '/events', {
            body: text,
            headers: { 'content-type': 'text/plain' },
          });
          expect([200, 400, 403, 413]).toContain(response.status);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('subscription confirmation', () => {
  it('GETs the SubscribeURL on the SNS host of the topic region, and no other', async () => {
    const confirmation = (url: string) => {
      const fields: Record<string, string> = {
        Type: 'SubscriptionConfirmation',
        MessageId: `c-${nextId()}`,
        Token: 'tok',
        TopicArn: TOPIC,
        Message: 'You have chosen to subscribe',
        SubscribeURL: url,
        Timestamp: new Date(NOW).toISOString(),
        SignatureVersion: '2',
        SigningCertURL: CERT_URL,
      };
      return { ...fields, Signature: signer.sign(fields, '2') };
    };
    const good = 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=tok';
    expect(await deliver(confirmation(good))).toMatchObject({
      status: 200,
      body: { reason: 'subscribed' },
    });
    expect(fetched).toContain(good);
    const bad = 'https://evil.example/?Action=ConfirmSubscription';
    expect(await deliver(confirmation(bad))).toMatchObject({ status: 403 });
    expect(fetched).not.toContain(bad);
  });
});

describe('a custom event store', () => {
  it('written for putState, before updateState replaced it, is refused at start-up', () => {
    const { updateState: _, ...withoutUpdate } = createMemoryStackEventStore();
    // As a JavaScript host, or one that casts, would pass it.
    const store = { ...withoutUpdate, putState: async () => {} } as unknown as StackEventStore;
    const start = () =>
      harness({
        config: { events: { topics: { 'us-east-1': TOPIC }, tokenSecret: SECRET, store } },
      });
    expect(start).toThrow(CloudConnectConfigError);
    expect(start).toThrow(/config\.events\.store.*updateState\(\)/);
  });
});

describe('without stack events', () => {
  it('has no /events route and links as before', async () => {
    const plain = harness();
    const response = await plain.send('POST', '/events', { body: '{}' });
    expect(response.status).toBe(404);
    const { body } = await plain.json('POST', '/sessions', {
      tenant: 'a',
      body: { accountId: ACCOUNT },
    });
    expect((body.session as { quickCreateUrl: string }).quickCreateUrl).not.toContain(
      'CloudConnect',
    );
  });
});
