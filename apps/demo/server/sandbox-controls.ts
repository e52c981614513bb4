/**
 * What the sandbox panel changes: the scenario, the account the sandbox console is signed in
 * to, and the sandbox's clock (moved forward, so nobody waits for a stack). The sandbox runs in
 * this process; the console's account switch goes through the console's own form, as a person
 * switching accounts there would.
 */
import {
  CUSTOMER_ACCOUNT_ID,
  OTHER_ACCOUNT_ID,
  SANDBOX_SCENARIOS,
  type Sandbox,
  type SandboxClock,
  type SandboxScenario,
  VENDOR_ACCOUNT_ID,
} from '@porter/cloud-connect-sandbox';

/** A clock that runs with the wall clock and can be moved forward. */
export interface MovableClock extends SandboxClock {
  /** How far ahead of the wall clock it is, in milliseconds. */
  readonly offsetMs: number;
  advance(ms: number): void;
}

/** The wall clock plus an offset that only grows. */
export function createMovableClock(): MovableClock {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    get offsetMs() {
      return offsetMs;
    },
    advance(ms) {
      offsetMs += ms;
    },
  };
}

/** What the panel shows. */
export interface SandboxPanelState {
  scenario: SandboxScenario;
  scenarios: readonly SandboxScenario[];
  signedInAccount: string;
  accounts: ReadonlyArray<{ id: string; label: string }>;
  customerAccountId: string;
  clockOffsetMs: number;
  consoleUrl: string;
}

// The accounts the sandbox console's switcher offers.
const ACCOUNT_LABELS: Record<string, string> = {
  [CUSTOMER_ACCOUNT_ID]: 'Customer account',
  [OTHER_ACCOUNT_ID]: 'Another account',
  [VENDOR_ACCOUNT_ID]: 'Vendor account',
};

/** The panel's reads and writes on one running sandbox. */
export function sandboxControls(sandbox: Sandbox, clock: MovableClock) {
  const consoleUrl = `${sandbox.consoleBaseUrl}/cloudformation/home?region=us-east-1`;
  return {
    async state(): Promise<SandboxPanelState> {
      const info = (await (await fetch(`${sandbox.url}/_sandbox`)).json()) as {
        signedInAccount: string;
      };
      return {
        scenario: sandbox.scenario,
        scenarios: SANDBOX_SCENARIOS,
        signedInAccount: info.signedInAccount,
        accounts: Object.entries(ACCOUNT_LABELS).map(([id, label]) => ({ id, label })),
        customerAccountId: sandbox.customerAccountId,
        clockOffsetMs: clock.offsetMs,
        consoleUrl,
      };
    },
    setScenario(scenario: SandboxScenario): void {
      sandbox.setScenario(scenario);
    },
    async signInToConsole(accountId: string): Promise<boolean> {
      if (!Object.hasOwn(ACCOUNT_LABELS, accountId)) return false;
      const response = await fetch(`${sandbox.consoleBaseUrl}/cloudformation/home/account`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ accountId, returnTo: '/cloudformation/home' }),
        redirect: 'manual',
      });
      await response.body?.cancel();
      if (response.status >= 400) throw new Error(`The sandbox console refused ${accountId}.`);
      return true;
    },
    advanceClock(ms: number): void {
      clock.advance(ms);
    },
  };
}

/** The panel's operations, as `sandboxControls` builds them. */
export type SandboxControls = ReturnType<typeof sandboxControls>;
