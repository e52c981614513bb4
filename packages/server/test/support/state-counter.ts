import type { StackEventState } from '../../src/stack-events/stack-event-store';

/**
 * A test-only update for the stores' concurrency tests: `at` counts the updates that landed, so
 * an update lost to a read-then-write race shows as a count short of the number made.
 */
export function countUp(current: StackEventState | null): StackEventState {
  return {
    stackId: 'arn:aws:cloudformation:us-east-1:012345678901:stack/PorterRole/7d3c0b70',
    phase: 'creating',
    at: (current?.at ?? 0) + 1,
  };
}
