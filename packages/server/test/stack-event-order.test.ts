// What a stack's events do to a session's state whatever order SNS delivers them in: SNS
// promises no order, and retries a message it could not deliver.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyStackEvent,
  FOLLOW_MS,
  type StackEvent,
  type StackEventState,
} from '../src/stack-events/stack-event-store';

const STACK = 'arn:aws:cloudformation:us-east-1:012345678901:stack/PorterRole/7d3c0b70';
const OLD_STACK = 'arn:aws:cloudformation:us-east-1:012345678901:stack/PorterRole/5a1e9f42';
const T0 = Date.parse('2026-11-29T08:00:00Z');

const started = (at: number, stackId = STACK): StackEvent => ({
  requestType: 'Create',
  event: 'stack-started',
  stackId,
  at,
});
const roleCreated = (at: number): StackEvent => ({
  requestType: 'Create',
  event: 'role-created',
  stackId: STACK,
  at,
});
const deleted = (at: number, event: StackEvent['event'] = 'stack-started'): StackEvent => ({
  requestType: 'Delete',
  event,
  stackId: STACK,
  at,
});

/** The state after `events`, delivered in this order to a session with no state yet. */
function deliver(events: StackEvent[], from: StackEventState | null = null) {
  return events.reduce<StackEventState | null>(applyStackEvent, from);
}

/** What a session shows of its state: which stack, what phase, and whether it is followed. */
function seen(state: StackEventState | null) {
  return state && { stackId: state.stackId, phase: state.phase, followed: !!state.followUntil };
}

// What CloudFormation may have sent for one stack, in the order it sent it: the stack started;
// then the role was created, or the stack rolled back before that; a stack with a role may be
// rolled back or deleted too, which deletes both event resources (two Deletes).
const HISTORIES: StackEvent[][] = [
  [started(T0)],
  [started(T0), roleCreated(T0 + 1)],
  [started(T0), deleted(T0 + 1)],
  [started(T0), roleCreated(T0 + 1), deleted(T0 + 2, 'role-created')],
  [started(T0), roleCreated(T0 + 1), deleted(T0 + 2, 'role-created'), deleted(T0 + 3)],
];

/** One history, and a delivery of it: every event at least once, in any order. */
const delivery = fc.constantFrom(...HISTORIES).chain((history) =>
  fc
    .tuple(
      fc.constant(history),
      fc.array(fc.integer({ min: 1, max: 3 }), {
        minLength: history.length,
        maxLength: history.length,
      }),
      fc.array(fc.constantFrom<StackEvent>({ ...started(T0 + 5), requestType: 'Update' }), {
        maxLength: 2,
      }),
    )
    .chain(([history, copies, updates]) => {
      const sent = [...history.flatMap((event, i) => Array(copies[i]).fill(event)), ...updates];
      return fc.tuple(
        fc.constant(history),
        fc.shuffledSubarray(sent, { minLength: sent.length, maxLength: sent.length }),
      );
    }),
);

describe('applyStackEvent', () => {
  it('ends in the phase of the order CloudFormation sent, whatever order SNS delivers in', () => {
    // The rule: one stack's phase only moves forward, creating -> role-created -> deleted. A
    // Delete is always last in CloudFormation's order (a resource is deleted only after it was
    // created, and a deleted stack never comes back), so a Delete delivered before the Creates
    // leaves the stack deleted: the Creates that follow it are late news of the past.
    fc.assert(
      fc.property(delivery, ([history, delivered]) => {
        expect(seen(deliver(delivered))).toEqual(seen(deliver(history)));
      }),
      { numRuns: 500 },
    );
  });

  it('changes nothing for an event delivered again', () => {
    fc.assert(
      fc.property(delivery, ([, delivered]) => {
        const state = deliver(delivered);
        for (const event of delivered) expect(applyStackEvent(state, event)).toBe(state);
      }),
      { numRuns: 200 },
    );
  });

  it('deletes a stack whose role was created, and follows it to confirm the revocation', () => {
    expect(deliver([started(T0), roleCreated(T0 + 1), deleted(T0 + 2)])).toStrictEqual({
      stackId: STACK,
      phase: 'deleted',
      at: T0 + 2,
      followUntil: T0 + 2 + FOLLOW_MS,
    });
  });

  it("lets a new stack's start replace an old stack's state, and ignores the old stack's late Delete", () => {
    const old: StackEventState = {
      stackId: OLD_STACK,
      phase: 'deleted',
      at: T0,
      failureReported: true,
    };
    const relaunched = applyStackEvent(old, started(T0 + 10));
    expect(relaunched).toStrictEqual({ stackId: STACK, phase: 'creating', at: T0 + 10 });
    const lateDelete: StackEvent = {
      requestType: 'Delete',
      event: 'role-created',
      stackId: OLD_STACK,
      at: T0 + 1,
    };
    expect(applyStackEvent(relaunched, lateDelete)).toBe(relaunched);
  });

  it("follows the relaunched stack whatever order the two stacks' events come in", () => {
    // The customer's first stack rolled back and a second one was launched: every event of the
    // first was published before any of the second, in whatever order SNS delivers them.
    const first = [started(T0, OLD_STACK), { ...deleted(T0 + 1), stackId: OLD_STACK }];
    const second = [started(T0 + 10), roleCreated(T0 + 11)];
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...first, ...second], { minLength: 4, maxLength: 4 }),
        (delivered) => {
          // Once the second stack's start is in, the state is the second stack's.
          const upToSecondStart = delivered.slice(
            0,
            delivered.indexOf(second[0] as StackEvent) + 1,
          );
          expect(deliver(upToSecondStart)?.stackId).toBe(STACK);
          expect(seen(deliver(delivered))).toEqual(seen(deliver(second)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps a reported failure reported when the stack start arrives late', () => {
    const reported: StackEventState = {
      stackId: STACK,
      phase: 'deleted',
      at: T0 + 1,
      failureReported: true,
    };
    expect(applyStackEvent(reported, started(T0))).toBe(reported);
  });
});
