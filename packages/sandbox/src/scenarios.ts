/**
 * What the sandbox simulates:
 * - `normal`: stacks create, the role becomes assumable after IAM propagation.
 * - `rollback`: stack creation fails and rolls back (ROLLBACK_COMPLETE with a reason).
 * - `no-external-id`: the created role trusts the principal without the ExternalId condition,
 *   as if the customer edited the template (what `EXTERNAL_ID_NOT_ENFORCED` catches).
 * - `throttle`: every Nth API call is refused with `Throttling`.
 * - `slow-propagation`: the new role stays unassumable for `timing.slowPropagationMs`.
 */
export type SandboxScenario =
  | 'normal'
  | 'rollback'
  | 'no-external-id'
  | 'throttle'
  | 'slow-propagation';

/** Every scenario, in the order the docs list them. */
export const SANDBOX_SCENARIOS: readonly SandboxScenario[] = [
  'normal',
  'rollback',
  'no-external-id',
  'throttle',
  'slow-propagation',
];

/** Whether a value names a scenario. */
export function isSandboxScenario(value: unknown): value is SandboxScenario {
  return typeof value === 'string' && (SANDBOX_SCENARIOS as readonly string[]).includes(value);
}

/** How long the simulated AWS takes, in milliseconds. */
export interface SandboxTiming {
  /** From CreateStack to CREATE_COMPLETE (or to the failure, in `rollback`). @default 3000 */
  stackCreateMs: number;
  /** From CREATE_COMPLETE until the new role can be assumed (IAM propagation). @default 4000 */
  propagationMs: number;
  /** From DeleteStack to DELETE_COMPLETE, and the length of a rollback. @default 3000 */
  stackDeleteMs: number;
  /** IAM propagation in the `slow-propagation` scenario. @default 20000 */
  slowPropagationMs: number;
}

/** Short enough for a demo, long enough to see each state. */
export const DEFAULT_SANDBOX_TIMING: Readonly<SandboxTiming> = {
  stackCreateMs: 3000,
  propagationMs: 4000,
  stackDeleteMs: 3000,
  slowPropagationMs: 20000,
};
