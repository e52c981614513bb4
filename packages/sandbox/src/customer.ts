/**
 * `sandbox.customer`: plays the person in the customer's AWS account, so tests, the CLI and
 * demos can follow a quick-create link, wait for the stack and delete it without driving the
 * console's HTML.
 */
import type { SandboxClock } from './clock';
import type { Stack, StackStatus } from './cloud-state';
import { type ConsoleContext, regionOf, submitQuickCreate } from './console';
import { CONSOLE_PATHS } from './console-pages';
import { AwsError } from './query-protocol';

/** Why a `sandbox.customer` call failed; `code` is stable, `message` is for people. */
export type SandboxCustomerErrorCode =
  /** The link is not a quick-create link of this sandbox's console. */
  | 'NOT_A_QUICK_CREATE_LINK'
  /** The console refused the form, as its page would show it (see `field` and `awsCode`). */
  | 'CREATE_REFUSED'
  /** The console refused to delete the stack (termination protection is on). */
  | 'DELETE_REFUSED'
  /** No stack of that name or id exists in the signed-in account and region. */
  | 'STACK_NOT_FOUND'
  /** The stack settled in another status than the one waited for (e.g. ROLLBACK_COMPLETE). */
  | 'UNEXPECTED_STACK_STATUS'
  /** `waitForStack`'s `timeoutMs` passed first. */
  | 'WAIT_TIMEOUT'
  /** The sandbox was closed while waiting. */
  | 'SANDBOX_CLOSED';

/** The error every `sandbox.customer` method rejects with. */
export class SandboxCustomerError extends Error {
  readonly code: SandboxCustomerErrorCode;
  /** The console field at fault (`stackName`, `acknowledge`, `param_<Name>`), when one is. */
  readonly field?: string;
  /** CloudFormation's error code when it refused the stack (e.g. `AlreadyExistsException`). */
  readonly awsCode?: string;
  /** The stack's status, for `UNEXPECTED_STACK_STATUS`. */
  readonly stackStatus?: StackStatus;

  constructor(
    code: SandboxCustomerErrorCode,
    message: string,
    details: { field?: string; awsCode?: string; stackStatus?: StackStatus } = {},
  ) {
    super(message);
    this.name = 'SandboxCustomerError';
    this.code = code;
    if (details.field !== undefined) this.field = details.field;
    if (details.awsCode !== undefined) this.awsCode = details.awsCode;
    if (details.stackStatus !== undefined) this.stackStatus = details.stackStatus;
  }
}

/** Options of `customer.createStack`. */
export interface CustomerCreateStackOptions {
  /** Tick the "I acknowledge that AWS CloudFormation might create IAM resources" box. @default true */
  acknowledgeIam?: boolean;
  /** Replace the stack name the link suggests, as a person editing the field would. */
  stackName?: string;
}

/** A stack the customer started creating or deleting. */
export interface CustomerStack {
  stackId: string;
  stackName: string;
}

/** Options of `customer.deleteStack` and `customer.waitForStack`. */
export interface CustomerStackOptions {
  /** The console region the stack is in. @default 'us-east-1' */
  region?: string;
}

/** Options of `customer.waitForStack`. */
export interface WaitForStackOptions extends CustomerStackOptions {
  /** Give up after this many wall-clock milliseconds. @default 60000 */
  timeoutMs?: number;
  /** How often to look, in wall-clock milliseconds. @default 25 */
  intervalMs?: number;
}

/**
 * The customer's side of the flow, as the person signed in to the sandbox's console does it
 * (the account the console's switcher shows, the customer account at first).
 */
export interface SandboxCustomer {
  /**
   * Follows a quick-create link (core's `quickCreateUrl` with the sandbox's `consoleBaseUrl`)
   * exactly as the console page does: reads the region from the query and the template URL,
   * stack name and `param_<Name>` values from the fragment, ticks the IAM box, and presses
   * Create stack. Resolves once CloudFormation accepted the stack (CREATE_IN_PROGRESS), not
   * when it is complete: call `waitForStack(stackName, 'CREATE_COMPLETE')` for that.
   * Rejects with a `SandboxCustomerError` (`NOT_A_QUICK_CREATE_LINK`, `CREATE_REFUSED`).
   */
  createStack(quickCreateUrl: string, options?: CustomerCreateStackOptions): Promise<CustomerStack>;
  /**
   * Presses Delete on the stack (by name, or by stack id) in the console's stack list.
   * Resolves once the deletion was accepted, with the stack, or `undefined` when no live stack
   * has that name (as DeleteStack answers on AWS). Wait with `waitForStack(stackId, 'DELETE_COMPLETE')`.
   */
  deleteStack(
    stackName: string,
    options?: CustomerStackOptions,
  ): Promise<CustomerStack | undefined>;
  /**
   * Resolves with the status once the stack reaches one of `status`; rejects with
   * `UNEXPECTED_STACK_STATUS` when it settles in another one (a rollback while waiting for
   * CREATE_COMPLETE), `STACK_NOT_FOUND`, or `WAIT_TIMEOUT`. A stack id follows a deleted
   * stack; a name follows the live stack of that name (or the last one deleted). With a manual
   * clock, stacks move only when the clock is advanced.
   */
  waitForStack(
    stackName: string,
    status: StackStatus | readonly StackStatus[],
    options?: WaitForStackOptions,
  ): Promise<StackStatus>;
}

/** What the customer helper needs from the running sandbox. */
export interface CustomerContext {
  console: ConsoleContext;
  clock: SandboxClock;
  /** The origins the console is served from (127.0.0.1 and localhost with the port). */
  consoleOrigins(): string[];
  /** Resolves when the sandbox closes. */
  closed: Promise<void>;
}

const QUICK_CREATE_FRAGMENT = /^#\/stacks\/quickcreate\?(.*)$/;
// Statuses a stack stays in until someone acts; waiting past them is pointless.
const SETTLED = /_(COMPLETE|FAILED)$/;

/** Builds `sandbox.customer` for one running sandbox. */
export function createCustomer(context: CustomerContext): SandboxCustomer {
  const { console: consoleContext } = context;
  let closed = false;
  void context.closed.then(() => {
    closed = true;
  });

  return {
    async createStack(quickCreateUrl, options = {}) {
      const { region, form } = readQuickCreateLink(quickCreateUrl, context.consoleOrigins());
      if (options.acknowledgeIam ?? true) form.set('acknowledge', 'on');
      if (options.stackName !== undefined) form.set('stackName', options.stackName);
      const outcome = submitQuickCreate(consoleContext, region, form);
      if (!outcome.ok) {
        throw new SandboxCustomerError('CREATE_REFUSED', outcome.error.message, {
          ...(outcome.error.field !== undefined && { field: outcome.error.field }),
          ...(outcome.awsCode !== undefined && { awsCode: outcome.awsCode }),
        });
      }
      return { stackId: outcome.stack.stackId, stackName: outcome.stack.name };
    },

    async deleteStack(stackName, options = {}) {
      const region = regionOf(options.region);
      const { state, signedInAccount } = consoleContext;
      const now = consoleContext.now();
      state.settle(now);
      const stack = state.findStack(signedInAccount, region, stackName);
      if (!stack || stack.status === 'DELETE_COMPLETE') return undefined;
      try {
        state.deleteStack(signedInAccount, region, stack.stackId, now);
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        throw new SandboxCustomerError('DELETE_REFUSED', error.message, { awsCode: error.code });
      }
      return { stackId: stack.stackId, stackName: stack.name };
    },

    waitForStack(stackName, status, options = {}) {
      const wanted = new Set<string>([status].flat());
      const region = regionOf(options.region);
      const timeoutMs = options.timeoutMs ?? 60_000;
      const intervalMs = options.intervalMs ?? 25;
      const accountId = consoleContext.signedInAccount;
      const deadline = Date.now() + timeoutMs;
      const first = lookUp(consoleContext, accountId, region, stackName);
      if (!first) {
        return Promise.reject(
          new SandboxCustomerError(
            'STACK_NOT_FOUND',
            `No stack ${stackName} in account ${accountId}, region ${region}.`,
          ),
        );
      }
      const stackId = first.stackId;
      return new Promise<StackStatus>((resolve, reject) => {
        const look = () => {
          consoleContext.state.settle(context.clock.now());
          const stack = consoleContext.state.findStack(accountId, region, stackId);
          const current = stack?.status;
          if (current !== undefined && wanted.has(current)) return resolve(current);
          if (current !== undefined && SETTLED.test(current)) {
            return reject(
              new SandboxCustomerError(
                'UNEXPECTED_STACK_STATUS',
                `Stack ${stackName} is ${current}${stack?.statusReason ? ` (${stack.statusReason})` : ''}, not ${[...wanted].join(' or ')}.`,
                { stackStatus: current },
              ),
            );
          }
          if (closed) {
            return reject(
              new SandboxCustomerError('SANDBOX_CLOSED', 'The sandbox closed while waiting.'),
            );
          }
          if (Date.now() >= deadline) {
            return reject(
              new SandboxCustomerError(
                'WAIT_TIMEOUT',
                `Stack ${stackName} was still ${current ?? 'missing'} after ${timeoutMs} ms.`,
                current === undefined ? {} : { stackStatus: current },
              ),
            );
          }
          setTimeout(look, intervalMs);
        };
        look();
      });
    },
  };
}

/** The live stack of that name, else the newest deleted one; by id, that stack. */
function lookUp(
  context: ConsoleContext,
  accountId: string,
  region: string,
  nameOrId: string,
): Stack | undefined {
  context.state.settle(context.now());
  return (
    context.state.findStack(accountId, region, nameOrId) ??
    context.state.stacks(accountId, region).find((stack) => stack.name === nameOrId)
  );
}

/**
 * Reads a quick-create link as the console page's script does: the region from the query, the
 * form from the fragment `#/stacks/quickcreate?...`.
 */
function readQuickCreateLink(
  link: string,
  origins: readonly string[],
): { region: string; form: Map<string, string> } {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw notALink(`${JSON.stringify(link)} is not a URL.`);
  }
  if (!origins.includes(url.origin) || url.pathname.replace(/\/+$/, '') !== CONSOLE_PATHS.home) {
    throw notALink(
      `${url.origin}${url.pathname} is not this sandbox's console (${origins[0]}${CONSOLE_PATHS.home}); build the link with consoleBaseUrl: sandbox.consoleBaseUrl.`,
    );
  }
  const fragment = QUICK_CREATE_FRAGMENT.exec(url.hash);
  if (!fragment) {
    throw notALink('The link has no quick-create fragment (#/stacks/quickcreate?templateURL=...).');
  }
  return {
    region: regionOf(url.searchParams.get('region')),
    form: new Map(new URLSearchParams(fragment[1])),
  };
}

function notALink(detail: string): SandboxCustomerError {
  return new SandboxCustomerError('NOT_A_QUICK_CREATE_LINK', `Not a quick-create link: ${detail}`);
}
