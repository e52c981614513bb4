// Two handler instances behind one load balancer, sharing PostgreSQL for sessions and stack
// events: SNS delivers a notification to one, the browser's check reaches the other.
import { createSnsSigner } from '@porter/cloud-connect-sandbox';
import { afterEach, expect, inject, it } from 'vitest';
import { eventTokenFor } from '../src/stack-events/event-token';
import { createPostgresStackEventStore } from '../src/stack-events/postgres-stack-event-store';
import { createPostgresStore } from '../src/stores/postgres-store';
import { type Harness, harness } from './support/handler-harness';
import { createDatabase } from './support/postgres-server';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:cloud-connect-events';
const SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123.pem';
const RESPONSE_URL =
  'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws/stack?X-Amz-Signature=abc';
const ACCOUNT = '012345678901';
const STACK_ID = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/PorterRole/7d3c0b70-0000-11ef-9999-0a1b2c3d4e5f`;
const NOW = Date.parse('2026-11-29T08:00:00Z');

const signer = createSnsSigner({
  notBefore: new Date(NOW - 86_400_000),
  notAfter: new Date(NOW + 86_400_000),
});
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** One instance: its own pools on the shared database, as a separate process would have. */
function instance(databaseUrl: string): Harness {
  const store = createPostgresStore({ connectionString: databaseUrl });
  const events = createPostgresStackEventStore({ connectionString: databaseUrl });
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    if (init?.method === 'PUT') return new Response('', { status: 200 });
    if (String(input).endsWith('.pem')) return new Response(signer.certificatePem);
    return new Response('<ConfirmSubscriptionResponse/>');
  };
  const h = harness({
    store,
    config: {
      events: {
        topics: { 'us-east-1': TOPIC },
        tokenSecret: SECRET,
        fetch,
        store: events,
        backgroundIntervalMs: 0,
      },
    },
  });
  h.clock.now = NOW;
  closers.push(async () => {
    await h.handler.close();
    await events.close();
    await store.close();
  });
  return h;
}

async function twoInstances(): Promise<[Harness, Harness]> {
  const databaseUrl = await createDatabase(inject('postgresUrl'));
  const migrator = createPostgresStore({ connectionString: databaseUrl });
  await migrator.migrate();
  await migrator.close();
  return [instance(databaseUrl), instance(databaseUrl)];
}

let messages = 0;
async function stackEvent(sessionId: string, requestType: 'Create' | 'Delete') {
  messages += 1;
  const message = JSON.stringify({
    RequestType: requestType,
    ResponseURL: RESPONSE_URL,
    StackId: STACK_ID,
    RequestId: `req-${messages}`,
    LogicalResourceId: 'CloudConnectStackStarted',
    ResourceType: 'Custom::CloudConnectStackEvent',
    ...(requestType === 'Delete' && { PhysicalResourceId: 'p-1' }),
    ResourceProperties: {
      ServiceToken: TOPIC,
      Event: 'stack-started',
      SessionId: sessionId,
      EventToken: await eventTokenFor(SECRET, sessionId),
    },
  });
  const fields: Record<string, string> = {
    Type: 'Notification',
    MessageId: `m-${messages}`,
    TopicArn: TOPIC,
    Message: message,
    Timestamp: new Date(NOW - 1000).toISOString(),
    SignatureVersion: '2',
    SigningCertURL: CERT_URL,
  };
  return JSON.stringify({ ...fields, Signature: signer.sign(fields, '2') });
}

async function deliver(h: Harness, body: string) {
  return h.json('POST', '/events', {
    body,
    headers: { 'content-type': 'text/plain; charset=UTF-8' },
  });
}

async function check(h: Harness, sessionId: string) {
  const { body } = await h.json('POST', `/sessions/${sessionId}/check`, { tenant: 'acme' });
  return body.check as Record<string, unknown>;
}

it("makes instance B's check see what SNS told instance A, and refuses A's message replayed to B", async () => {
  const [a, b] = await twoInstances();
  const { body } = await a.json('POST', '/sessions', {
    tenant: 'acme',
    body: { accountId: ACCOUNT },
  });
  const { sessionId } = body.session as { sessionId: string };

  const started = await stackEvent(sessionId, 'Create');
  expect((await deliver(a, started)).body).toMatchObject({ status: 'ok', reason: 'recorded' });
  expect(await check(b, sessionId)).toMatchObject({ status: 'pending', reason: 'creating' });
  expect((await deliver(b, started)).body).toMatchObject({ reason: 'duplicate' });

  expect((await deliver(a, await stackEvent(sessionId, 'Delete'))).body).toMatchObject({
    reason: 'recorded',
  });
  expect(await check(b, sessionId)).toMatchObject({ status: 'failed', code: 'STACK_FAILED' });
  // Reported once, whichever instance the next check reaches.
  expect(await check(a, sessionId)).toMatchObject({ status: 'pending', reason: 'not-assumable' });
});

it('reports a rolled-back stack once when checks reach both instances at the same time', async () => {
  const [a, b] = await twoInstances();
  const { body } = await a.json('POST', '/sessions', {
    tenant: 'acme',
    body: { accountId: ACCOUNT },
  });
  const { sessionId } = body.session as { sessionId: string };
  await deliver(a, await stackEvent(sessionId, 'Create'));
  await deliver(b, await stackEvent(sessionId, 'Delete'));

  // Both checks leave AWS at the same moment, so both find the failure not yet reported.
  let arrived = 0;
  let release = () => {};
  const together = new Promise<void>((resolve) => {
    release = resolve;
  });
  for (const instance of [a, b]) {
    instance.verifier.nextConnection = async () => {
      arrived += 1;
      if (arrived === 2) release();
      await together;
      return { status: 'pending', reason: 'not-assumable' };
    };
  }
  const checks = await Promise.all([a, b].map((instance) => check(instance, sessionId)));
  expect(checks.filter((c) => c.code === 'STACK_FAILED')).toHaveLength(1);
});
