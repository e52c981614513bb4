import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
} from '@aws-sdk/client-cloudformation';
import type { ConnectionCheck, ConnectSession, RevocationCheck } from '@porter/cloud-connect';
import {
  createManualClock,
  type ManualClock,
  type Sandbox,
  type SandboxScenario,
  startSandbox,
} from '@porter/cloud-connect-sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsVerifier } from '../src/aws-verifier';
import { type CloudConnectHandler, createCloudConnectHandler } from '../src/handler';
import { createMemoryStore } from '../src/stores/memory-store';

// The real SDK clients over HTTP against the sandbox, end to end; a manual clock moves time.
const TIMING = { stackCreateMs: 3000, propagationMs: 4000, stackDeleteMs: 3000 };

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

interface World {
  sandbox: Sandbox;
  clock: ManualClock;
  handler: CloudConnectHandler;
  customer: CloudFormationClient;
  post<T>(path: string, body?: unknown): Promise<{ status: number; json: T }>;
}

async function world(scenario: SandboxScenario = 'normal', throttleEvery = 3): Promise<World> {
  const clock = createManualClock();
  sandbox = await startSandbox({ port: 0, timing: TIMING, scenario, clock, throttleEvery });
  const handler = createCloudConnectHandler({
    verifier: createAwsVerifier({
      region: 'us-east-1',
      clientConfig: {
        endpoint: sandbox.url,
        credentials: sandbox.vendorCredentials,
        // One attempt per check: the machine owns the retry loop.
        maxAttempts: 1,
      },
    }),
    store: createMemoryStore(),
    authenticate: async () => ({ tenantId: 'tenant-a' }),
    listBlockers: async () => [],
    now: clock.now,
    config: {
      region: 'us-east-1',
      templateUrl: sandbox.templateUrl,
      trustedPrincipalArn: sandbox.vendorPrincipalArn,
      consoleBaseUrl: sandbox.consoleBaseUrl,
      allowedTemplateOrigins: [new URL(sandbox.templateUrl).origin],
    },
  });
  const customer = new CloudFormationClient({
    region: 'us-east-1',
    endpoint: sandbox.url,
    credentials: sandbox.customerCredentials,
    maxAttempts: 1,
  });
  const post = async <T>(path: string, body: unknown = {}) => {
    const response = await handler(
      new Request(`http://127.0.0.1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
    return { status: response.status, json: (await response.json()) as T };
  };
  return { sandbox, clock, handler, customer, post };
}

async function createStack(w: World, session: ConnectSession) {
  await w.customer.send(
    new CreateStackCommand({
      StackName: session.stackName,
      TemplateURL: session.templateUrl,
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Parameters: [
        { ParameterKey: 'ExternalId', ParameterValue: session.externalId },
        { ParameterKey: 'TrustedPrincipalArn', ParameterValue: w.sandbox.vendorPrincipalArn },
      ],
    }),
  );
}

async function check(w: World, session: ConnectSession): Promise<ConnectionCheck> {
  const { status, json } = await w.post<{ check: ConnectionCheck }>(
    `/sessions/${session.sessionId}/check`,
  );
  expect(status).toBe(200);
  return json.check;
}

describe('against the sandbox', () => {
  it('session -> stack created -> pending while propagating -> connected; stack deleted -> revoked', async () => {
    const w = await world();
    const created = await w.post<{ session: ConnectSession }>('/sessions', {
      accountId: w.sandbox.customerAccountId,
    });
    expect(created.status).toBe(201);
    const { session } = created.json;
    expect(session.quickCreateUrl.startsWith(w.sandbox.consoleBaseUrl)).toBe(true);

    expect(await check(w, session)).toEqual({ status: 'pending', reason: 'not-assumable' });

    await createStack(w, session);
    expect(await check(w, session)).toMatchObject({ status: 'pending', reason: 'not-assumable' });
    w.clock.advance(TIMING.stackCreateMs);
    // CREATE_COMPLETE, but IAM has not propagated the role yet.
    expect(await check(w, session)).toMatchObject({ status: 'pending', reason: 'not-assumable' });
    w.clock.advance(TIMING.propagationMs);
    const connected = await check(w, session);
    expect(connected).toMatchObject({
      status: 'connected',
      roleArn: `arn:aws:iam::${w.sandbox.customerAccountId}:role/porter-manager`,
    });
    expect(connected.status === 'connected' && connected.templateVersion).toEqual(
      expect.any(String),
    );
    expect(connected.status === 'connected' && connected.warnings).toBeUndefined();

    const revoking = await w.post<{ check: RevocationCheck }>('/revocation/check', {
      accountId: w.sandbox.customerAccountId,
    });
    expect(revoking.json.check).toEqual({ status: 'pending', stackStatus: 'CREATE_COMPLETE' });

    await w.customer.send(new DeleteStackCommand({ StackName: session.stackName }));
    w.clock.advance(TIMING.stackDeleteMs);
    const revoked = await w.post<{ check: RevocationCheck }>('/revocation/check', {
      accountId: w.sandbox.customerAccountId,
    });
    expect(revoked.json.check).toEqual({ status: 'revoked' });
  });

  it('fails with EXTERNAL_ID_NOT_ENFORCED when the role trusts the vendor without the ExternalId', async () => {
    const w = await world('no-external-id');
    const { json } = await w.post<{ session: ConnectSession }>('/sessions', {
      accountId: w.sandbox.customerAccountId,
    });
    await createStack(w, json.session);
    w.clock.advance(TIMING.stackCreateMs + TIMING.propagationMs);
    expect(await check(w, json.session)).toMatchObject({
      status: 'failed',
      code: 'EXTERNAL_ID_NOT_ENFORCED',
    });
    const connection = await w.handler(new Request('http://127.0.0.1/connection'));
    expect(await connection.json()).toEqual({ connection: null });
  });

  it('answers a revocation check on a role without the ExternalId condition with EXTERNAL_ID_NOT_ENFORCED, revealing no stack status', async () => {
    const w = await world('no-external-id');
    const { json } = await w.post<{ session: ConnectSession }>('/sessions', {
      accountId: w.sandbox.customerAccountId,
    });
    await createStack(w, json.session);
    w.clock.advance(TIMING.stackCreateMs + TIMING.propagationMs);
    const revocation = await w.post<{ check: RevocationCheck }>('/revocation/check', {
      accountId: w.sandbox.customerAccountId,
    });
    expect(revocation.json.check).toMatchObject({
      status: 'failed',
      code: 'EXTERNAL_ID_NOT_ENFORCED',
    });
    expect(revocation.json.check).not.toHaveProperty('stackStatus');
  });

  it('stays pending with a retry hint while AWS throttles', async () => {
    const w = await world('throttle', 1);
    const { status, json } = await w.post<{ session: ConnectSession }>('/sessions', {
      accountId: w.sandbox.customerAccountId,
    });
    expect(status).toBe(201);
    const result = await check(w, json.session);
    expect(result).toMatchObject({ status: 'pending', reason: 'throttled' });
    expect(result.status === 'pending' && result.retryAfterMs).toBeGreaterThan(0);
  });
});
