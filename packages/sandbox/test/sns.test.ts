import { verify, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { buildRoleTemplate } from '@porter/cloud-connect/template';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, type Sandbox, snsStringToSign, startSandbox } from '../src/index';
import { clientsFor, roleParameters } from './sandbox-clients';

type Answer = 'SUCCESS' | 'FAILED' | 'silent';

interface Received {
  type: string;
  body: Record<string, string>;
  request?: Record<string, unknown>;
}

/**
 * A vendor endpoint: confirms subscriptions and answers custom resource requests, each once
 * `hold` has settled (at once by default).
 */
async function startSubscriber(answer: () => Answer = () => 'SUCCESS', hold?: Promise<void>) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
      const entry: Received = { type: body.Type ?? '', body };
      received.push(entry);
      if (body.Type === 'SubscriptionConfirmation') {
        await fetch(body.SubscribeURL ?? '');
      } else {
        const request = JSON.parse(body.Message ?? '{}') as Record<string, unknown>;
        entry.request = request;
        const mode = answer();
        await hold;
        if (mode !== 'silent') {
          await fetch(request.ResponseURL as string, {
            method: 'PUT',
            body: JSON.stringify({
              Status: mode,
              Reason: mode === 'FAILED' ? 'the vendor said no' : 'ok',
              PhysicalResourceId: `physical-${request.LogicalResourceId as string}`,
              StackId: request.StackId,
              RequestId: request.RequestId,
              LogicalResourceId: request.LogicalResourceId,
            }),
          });
        }
      }
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  return {
    url,
    received,
    requests: () => received.flatMap((entry) => (entry.request ? [entry.request] : [])),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SESSION_ID = '0b0f9d7e-3c57-4f0c-9a52-1f2c3d4e5f60';
const TOKEN = 'a'.repeat(43);

let sandbox: Sandbox | undefined;
let subscriber: Awaited<ReturnType<typeof startSubscriber>> | undefined;

afterEach(async () => {
  await sandbox?.close();
  await subscriber?.close();
  sandbox = undefined;
  subscriber = undefined;
});

async function setUp(
  options: Parameters<typeof startSandbox>[0],
  answer?: () => Answer,
  hold?: Promise<void>,
) {
  sandbox = await startSandbox({
    template: buildRoleTemplate({ preset: 'standard', events: true }),
    timing: { stackCreateMs: 50, stackDeleteMs: 50, propagationMs: 0 },
    ...options,
  });
  subscriber = await startSubscriber(answer, hold);
  const topicArn = sandbox.sns.createTopic('cloud-connect-events');
  const subscription = await sandbox.sns.subscribe(topicArn, subscriber.url);
  return { sandbox, subscriber, topicArn, subscription };
}

function createEventStack(target: Sandbox, topicArn: string) {
  const { cloudFormation } = clientsFor(target, target.customerCredentials);
  return cloudFormation.send(
    new CreateStackCommand({
      StackName: 'PorterRole',
      TemplateURL: target.templateUrl,
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Parameters: [
        ...roleParameters(target),
        { ParameterKey: 'CloudConnectSessionId', ParameterValue: SESSION_ID },
        { ParameterKey: 'CloudConnectEventToken', ParameterValue: TOKEN },
        { ParameterKey: 'CloudConnectEventTopicArn', ParameterValue: topicArn },
      ],
    }),
  );
}

async function eventsOf(target: Sandbox) {
  const { cloudFormation } = clientsFor(target, target.customerCredentials);
  const { StackEvents = [] } = await cloudFormation.send(
    new DescribeStackEventsCommand({ StackName: 'PorterRole' }),
  );
  return StackEvents.map((event) => `${event.LogicalResourceId} ${event.ResourceStatus}`);
}

/** The id of the PorterRole stack, deleted ones included (a deleted stack is found by id only). */
async function eventsStackId(target: Sandbox): Promise<string | undefined> {
  const { cloudFormation } = clientsFor(target, target.customerCredentials);
  const { StackSummaries = [] } = await cloudFormation.send(new ListStacksCommand({}));
  return StackSummaries.find((summary) => summary.StackName === 'PorterRole')?.StackId;
}

describe('sandbox SNS', () => {
  it('confirms a subscription through its SubscribeURL and signs with the certificate it serves', async () => {
    const { sandbox, subscriber, subscription } = await setUp({});
    expect(subscription.confirmed).toBe(true);
    const [confirmation] = subscriber.received;
    expect(confirmation?.type).toBe('SubscriptionConfirmation');
    const body = confirmation?.body ?? {};
    expect(body.SigningCertURL).toBe(sandbox.sns.signingCertUrl);
    expect(body.SubscribeURL?.startsWith(`${sandbox.url}/_sns/confirm?`)).toBe(true);
    const pem = await (await fetch(sandbox.sns.signingCertUrl)).text();
    const publicKey = new X509Certificate(pem).publicKey;
    const signed = verify(
      'sha1',
      Buffer.from(snsStringToSign(body)),
      publicKey,
      Buffer.from(body.Signature ?? '', 'base64'),
    );
    expect(signed).toBe(true);
  });

  it('refuses bad topic names and endpoints with a clear error', async () => {
    const { sandbox, topicArn } = await setUp({});
    expect(() => sandbox.sns.createTopic('no spaces')).toThrow(/Invalid SNS topic name/);
    await expect(sandbox.sns.subscribe(topicArn, 'ftp://x')).rejects.toThrow(/http\(s\) URL/);
    await expect(sandbox.sns.subscribe(`${topicArn}-x`, 'http://x')).rejects.toThrow(
      /No sandbox SNS topic/,
    );
  });

  it('sends Create in dependency order, completes when answered, and Delete on DeleteStack', async () => {
    const { sandbox, subscriber, topicArn } = await setUp({});
    await createEventStack(sandbox, topicArn);
    await sandbox.customer.waitForStack('PorterRole', 'CREATE_COMPLETE');
    const creates = subscriber.requests();
    expect(creates.map((r) => `${r.RequestType} ${r.LogicalResourceId}`)).toEqual([
      'Create CloudConnectStackStarted',
      'Create CloudConnectRoleCreated',
    ]);
    const roleCreated = creates[1] ?? {};
    expect(roleCreated.ResourceType).toBe('Custom::CloudConnectStackEvent');
    expect(roleCreated.ResourceProperties).toMatchObject({
      Event: 'role-created',
      SessionId: SESSION_ID,
      EventToken: TOKEN,
      ServiceToken: topicArn,
      RoleArn: `arn:aws:iam::${sandbox.customerAccountId}:role/porter-manager`,
    });
    expect(String(roleCreated.ResponseURL).startsWith(`${sandbox.url}/`)).toBe(true);

    const { cloudFormation } = clientsFor(sandbox, sandbox.customerCredentials);
    await cloudFormation.send(new DeleteStackCommand({ StackName: 'PorterRole' }));
    await sandbox.customer.waitForStack('PorterRole', 'DELETE_COMPLETE');
    const deletes = subscriber.requests().filter((r) => r.RequestType === 'Delete');
    expect(deletes.map((r) => [r.LogicalResourceId, r.PhysicalResourceId])).toEqual(
      expect.arrayContaining([
        ['CloudConnectStackStarted', 'physical-CloudConnectStackStarted'],
        ['CloudConnectRoleCreated', 'physical-CloudConnectRoleCreated'],
      ]),
    );
  });

  it('sends Delete for the created custom resource when the stack rolls back', async () => {
    const { sandbox, subscriber, topicArn } = await setUp({ scenario: 'rollback' });
    await createEventStack(sandbox, topicArn);
    await sandbox.customer.waitForStack('PorterRole', 'ROLLBACK_COMPLETE');
    expect(subscriber.requests().map((r) => `${r.RequestType} ${r.LogicalResourceId}`)).toEqual([
      'Create CloudConnectStackStarted',
      'Delete CloudConnectStackStarted',
    ]);
  });

  it('waits for a Create still open when the rollback starts, then deletes it', async () => {
    const clock = createManualClock();
    const { sandbox, subscriber, topicArn } = await setUp({
      clock,
      scenario: 'rollback',
      timing: { stackCreateMs: 0, stackDeleteMs: 0, propagationMs: 0 },
    });
    await createEventStack(sandbox, topicArn);
    await sandbox.customer.waitForStack('PorterRole', 'ROLLBACK_COMPLETE');
    expect(subscriber.requests().map((r) => `${r.RequestType} ${r.LogicalResourceId}`)).toEqual([
      'Create CloudConnectStackStarted',
      'Delete CloudConnectStackStarted',
    ]);
  });

  it('fails the resource and rolls back when the answer is FAILED', async () => {
    let calls = 0;
    const { sandbox, topicArn } = await setUp({}, () => (++calls === 2 ? 'FAILED' : 'SUCCESS'));
    await createEventStack(sandbox, topicArn);
    await sandbox.customer.waitForStack('PorterRole', 'ROLLBACK_COMPLETE');
    const events = await eventsOf(sandbox);
    expect(events).toContain('CloudConnectRoleCreated CREATE_FAILED');
  });

  it('times out an unanswered request after ServiceTimeout on the sandbox clock and rolls back; the role that depends on it is never made', async () => {
    const clock = createManualClock();
    const { sandbox, subscriber, topicArn } = await setUp(
      { clock, timing: { stackCreateMs: 0, stackDeleteMs: 0, propagationMs: 0 } },
      () => 'silent',
    );
    await createEventStack(sandbox, topicArn);
    await expect.poll(() => subscriber.requests().length).toBe(1);
    clock.advance(59_000);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const waiting = await eventsOf(sandbox);
    expect(waiting).not.toContain('CloudConnectStackStarted CREATE_FAILED');
    // The role's DependsOn holds it back until the stack-started request is answered.
    expect(waiting.filter((event) => event.startsWith('PorterManagerRole '))).toEqual([]);
    clock.advance(1_000);
    // Rollback: no Delete is sent for a resource never created; the stack still ends.
    await sandbox.customer.waitForStack('PorterRole', 'ROLLBACK_COMPLETE');
    const events = await eventsOf(sandbox);
    expect(events).toContain('CloudConnectStackStarted CREATE_FAILED');
    expect(events).not.toContain('PorterManagerRole CREATE_COMPLETE');
    expect(subscriber.requests().map((r) => `${r.RequestType} ${r.LogicalResourceId}`)).toEqual([
      'Create CloudConnectStackStarted',
    ]);
  });

  it('starts the role once the stack-started request is answered, and takes stackCreateMs from there', async () => {
    const clock = createManualClock();
    let answerStarted: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      answerStarted = resolve;
    });
    const { sandbox, subscriber, topicArn } = await setUp(
      { clock, timing: { stackCreateMs: 10_000, stackDeleteMs: 0, propagationMs: 0 } },
      () => 'SUCCESS',
      answered,
    );
    await createEventStack(sandbox, topicArn);
    await expect.poll(() => subscriber.requests().length).toBe(1);
    // Past stackCreateMs with the request still open: nothing of the role yet.
    clock.advance(20_000);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await eventsOf(sandbox)).some((e) => e.startsWith('PorterManagerRole '))).toBe(false);
    answerStarted();
    await expect
      .poll(async () => await eventsOf(sandbox))
      .toContain('CloudConnectStackStarted CREATE_COMPLETE');
    clock.advance(9_999);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await eventsOf(sandbox)).not.toContain('PorterManagerRole CREATE_COMPLETE');
    clock.advance(1);
    await expect
      .poll(async () => await eventsOf(sandbox))
      .toContain('PorterManagerRole CREATE_COMPLETE');
    // Then the role-created request, answered at once, completes the stack.
    await sandbox.customer.waitForStack('PorterRole', 'CREATE_COMPLETE');
  });

  it('refuses an answer whose ResponseURL signature was altered', async () => {
    const { sandbox } = await setUp({});
    const response = await fetch(`${sandbox.url}/_cloudformation-response/abc?X-Amz-Signature=00`, {
      method: 'PUT',
      body: '{"Status":"SUCCESS"}',
    });
    expect(response.status).toBe(403);
  });

  it('leaves a subscription unconfirmed when the endpoint does not answer', async () => {
    const { sandbox, topicArn } = await setUp({});
    const down = await sandbox.sns.subscribe(topicArn, 'http://127.0.0.1:1/events');
    expect(down.confirmed).toBe(false);
    expect(sandbox.sns.deliveries.at(-1)?.error).toEqual(expect.any(String));
  });

  it('records DELETE_FAILED for an unanswered Delete and still finishes the deletion', async () => {
    const clock = createManualClock();
    let calls = 0;
    const { sandbox, subscriber, topicArn } = await setUp(
      { clock, timing: { stackCreateMs: 0, stackDeleteMs: 0, propagationMs: 0 } },
      () => (++calls <= 2 ? 'SUCCESS' : 'silent'),
    );
    await createEventStack(sandbox, topicArn);
    await sandbox.customer.waitForStack('PorterRole', 'CREATE_COMPLETE');
    const { cloudFormation } = clientsFor(sandbox, sandbox.customerCredentials);
    await cloudFormation.send(new DeleteStackCommand({ StackName: 'PorterRole' }));
    await expect.poll(() => subscriber.requests().length).toBe(4);
    clock.advance(60_000);
    await sandbox.customer.waitForStack('PorterRole', 'DELETE_COMPLETE');
    const { StackEvents = [] } = await cloudFormation.send(
      new DescribeStackEventsCommand({ StackName: (await eventsStackId(sandbox)) ?? '' }),
    );
    const failed = StackEvents.filter((event) => event.ResourceStatus === 'DELETE_FAILED');
    expect(failed.map((event) => event.LogicalResourceId).sort()).toEqual([
      'CloudConnectRoleCreated',
      'CloudConnectStackStarted',
    ]);
  });

  it('answers any body PUT to a genuine ResponseURL with 200 or 400, never more', async () => {
    const { sandbox, subscriber, topicArn } = await setUp({}, () => 'silent');
    await createEventStack(sandbox, topicArn);
    // The first request is the stack-started one; how many more went out by now depends on speed.
    await expect.poll(() => subscriber.requests().length).toBeGreaterThanOrEqual(1);
    const responseUrl = String(subscriber.requests()[0]?.ResponseURL);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.json(),
          fc
            .record({ Status: fc.constantFrom('SUCCESS', 'FAILED', 'x'), Reason: fc.anything() })
            .map((value) => JSON.stringify(value)),
        ),
        async (body) => {
          const response = await fetch(responseUrl, { method: 'PUT', body });
          expect([200, 400]).toContain(response.status);
          await response.body?.cancel();
        },
      ),
      { numRuns: 60 },
    );
  });
});
