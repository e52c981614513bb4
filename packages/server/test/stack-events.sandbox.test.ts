// Stack events end to end: the sandbox's CloudFormation publishes its custom resource requests
// to its SNS, which delivers them to the real handler's /events over HTTP; core's machine polls
// the same handler through createHttpBackend. Everything runs on the wall clock, short timings.
import { createManualClock } from '@porter/cloud-connect-sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { type StackEventsWorld, startStackEventsWorld } from './support/stack-events-world';

let world: StackEventsWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('stack events against the sandbox', () => {
  it('a rolled back stack is STACK_FAILED in the machine within seconds, not after timeoutMs', async () => {
    world = await startStackEventsWorld({
      events: true,
      scenario: 'rollback',
      machineTiming: { timeoutMs: 60_000 },
    });
    const flow = await world.launch();
    const failed = await flow.waitFor('connection.failed', 20_000);
    expect(failed.event.error.code).toBe('STACK_FAILED');
    expect(failed.atMs).toBeLessThan(20_000);
    await world.sandbox.customer.waitForStack(flow.session.stackName, 'ROLLBACK_COMPLETE');
  });

  it('a created role is connected within propagation plus a check', async () => {
    world = await startStackEventsWorld({ events: true });
    const flow = await world.launch();
    const connected = await flow.waitFor('connected', 20_000);
    expect(connected.event.connection.roleArn).toBe(
      `arn:aws:iam::${world.sandbox.customerAccountId}:role/porter-manager`,
    );
    // The server was told the role exists and verified it in the background.
    const notifications = () =>
      world?.sandbox.sns.deliveries.filter((d) => d.type === 'Notification');
    await expect.poll(() => notifications()?.map((d) => d.status)).toEqual([200, 200]);
  });

  it('with events off the flow is as before: a rollback is seen only when the machine times out', async () => {
    world = await startStackEventsWorld({
      events: false,
      scenario: 'rollback',
      machineTiming: { timeoutMs: 3_000, slowAfterMs: 1_000 },
    });
    const flow = await world.launch();
    await world.sandbox.customer.waitForStack(flow.session.stackName, 'ROLLBACK_COMPLETE');
    expect(flow.actor.getSnapshot().context.error).toBeNull();
    await expect
      .poll(() => flow.actor.getSnapshot().context.error?.code, { timeout: 20_000 })
      .toBe('TIMED_OUT');
    expect(flow.elapsedMs()).toBeGreaterThanOrEqual(3_000);
    expect(flow.emitted.map((e) => e.event.type)).not.toContain('connection.failed');
    expect(world.sandbox.sns.deliveries).toEqual([]);
  });

  it('with the events endpoint down the customer stack fails after ServiceTimeout and rolls back', async () => {
    const clock = createManualClock();
    world = await startStackEventsWorld({ events: true, endpointDown: true, sandboxClock: clock });
    const { sandbox } = world;
    const flow = await world.launch();
    const notifications = () => sandbox.sns.deliveries.filter((d) => d.type === 'Notification');
    // A delivery is listed when its POST starts, and gets its error once the connection is refused.
    await expect.poll(() => notifications().filter((d) => d.error !== undefined).length).toBe(1);
    clock.advance(sandbox.timing.stackCreateMs);
    // The role DependsOn the unanswered stack-started resource: it is not made, nor announced.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(notifications()).toHaveLength(1);
    // CloudConnectStackStarted's ServiceTimeout (60 s) passes without an answer.
    clock.advance(60_000 - sandbox.timing.stackCreateMs);
    await sandbox.customer.waitForStack(flow.session.stackName, 'ROLLBACK_IN_PROGRESS');
    clock.advance(sandbox.timing.stackDeleteMs);
    await sandbox.customer.waitForStack(flow.session.stackName, 'ROLLBACK_COMPLETE');
    // The server never heard of the stack: the user sees no failure until timeoutMs.
    expect(flow.emitted.map((e) => e.event.type)).not.toContain('connection.failed');
    expect(flow.emitted.map((e) => e.event.type)).not.toContain('connected');
  });
});
