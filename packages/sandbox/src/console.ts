import type { IncomingHttpHeaders } from 'node:http';
import type { CloudState } from './cloud-state';
import type { SandboxResponse } from './http-response';
import type { SandboxScenario, SandboxTiming } from './scenarios';
import type { CloudFormationTemplate } from './template-evaluator';

/** What the console pages read and change. */
export interface ConsoleContext {
  state: CloudState;
  now(): number;
  scenario(): SandboxScenario;
  timing: SandboxTiming;
  loadTemplate(url: string): CloudFormationTemplate | undefined;
  /** The account the console is "signed in" to; the switcher changes it. */
  signedInAccount: string;
  accounts: ReadonlyArray<{ id: string; label: string }>;
}

/** Answers console routes (`/cloudformation/home...`); undefined for any other path. */
export function handleConsoleRequest(
  _method: string,
  _url: URL,
  _headers: IncomingHttpHeaders,
  _body: Buffer,
  _context: ConsoleContext,
): SandboxResponse | undefined {
  return undefined;
}
