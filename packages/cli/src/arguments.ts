import { parseArgs } from 'node:util';
import { type CloudConnectTiming, DEFAULT_TIMING, parseAccountId } from '@porter/cloud-connect';
import {
  DEFAULT_SANDBOX_TIMING,
  isSandboxScenario,
  SANDBOX_SCENARIOS,
  type SandboxScenario,
  type SandboxTiming,
} from '@porter/cloud-connect-sandbox';
import type { CommandName } from './usage';

/** Bad arguments: the message names the argument; the command prints its usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
>;

const HELP: OptionSpec = { help: { type: 'boolean', short: 'h' } };

const BACKEND: OptionSpec = {
  account: { type: 'string' },
  server: { type: 'string' },
  header: { type: 'string', multiple: true },
  sandbox: { type: 'boolean' },
  scenario: { type: 'string' },
  json: { type: 'boolean' },
  timing: { type: 'string' },
  ...HELP,
};

/** Every command's options, as `node:util` parseArgs takes them. */
export const COMMAND_OPTIONS: Record<CommandName, OptionSpec> = {
  template: { preset: { type: 'string' }, format: { type: 'string' }, ...HELP },
  link: {
    account: { type: 'string' },
    'external-id': { type: 'string' },
    principal: { type: 'string' },
    'template-url': { type: 'string' },
    region: { type: 'string' },
    'stack-name': { type: 'string' },
    'console-base-url': { type: 'string' },
    json: { type: 'boolean' },
    ...HELP,
  },
  connect: {
    ...BACKEND,
    auto: { type: 'boolean' },
    'no-open': { type: 'boolean' },
    state: { type: 'string' },
    resume: { type: 'boolean' },
  },
  status: BACKEND,
  revoke: { ...BACKEND, 'no-open': { type: 'boolean' } },
};

/** Parsed option values: strings, booleans and lists of strings, by option name. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** Parses a command's arguments; unknown options, missing values and positionals are refused. */
export function parseCommandArgs(command: CommandName, args: readonly string[]): OptionValues {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: COMMAND_OPTIONS[command],
      strict: true,
      allowPositionals: false,
    });
    return values as OptionValues;
  } catch (error) {
    // parseArgs names the argument ("Unknown option '--acount'"); keep its words.
    throw new UsageError((error as Error).message);
  }
}

/** A string option's value, or undefined. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A string option that must be given. */
export function requiredOption(values: OptionValues, name: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required.`);
  return value;
}

/** `--account`, parsed as the web flow parses it (spaces and hyphens allowed); 12 digits out. */
export function accountOption(values: OptionValues): string {
  const parsed = parseAccountId(requiredOption(values, 'account'));
  if (!parsed.ok) throw new UsageError(`--account: ${parsed.message}`);
  return parsed.accountId;
}

/** Where connect, status and revoke send their requests. */
export type BackendChoice =
  | { kind: 'server'; url: string; headers: Record<string, string> }
  | { kind: 'sandbox'; scenario: SandboxScenario };

/** `--server URL [--header H]...` or `--sandbox [--scenario S]`: exactly one of them. */
export function backendOption(values: OptionValues): BackendChoice {
  const server = stringOption(values, 'server');
  const headers = (values.header as string[] | undefined) ?? [];
  const scenario = stringOption(values, 'scenario');
  if (values.sandbox === true) {
    if (server !== undefined) throw new UsageError('Use --server or --sandbox, not both.');
    if (headers.length > 0) throw new UsageError('--header goes with --server, not --sandbox.');
    if (scenario !== undefined && !isSandboxScenario(scenario)) {
      throw new UsageError(`--scenario must be one of ${SANDBOX_SCENARIOS.join(', ')}.`);
    }
    return { kind: 'sandbox', scenario: scenario ?? 'normal' };
  }
  if (server === undefined) throw new UsageError('Give --server URL or --sandbox.');
  if (scenario !== undefined) throw new UsageError('--scenario goes with --sandbox.');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--server must be an http(s) URL, not ${JSON.stringify(server)}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--server must be an http(s) URL, not ${JSON.stringify(server)}.`);
  }
  return { kind: 'server', url: server.replace(/\/+$/, ''), headers: parseHeaders(headers) };
}

// An HTTP header name is a token (RFC 9110): no spaces, colons or control characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function parseHeaders(entries: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const name = colon > 0 ? entry.slice(0, colon).trim() : '';
    const value = colon > 0 ? entry.slice(colon + 1).trim() : '';
    // The value is never echoed: it is usually a secret.
    if (!HEADER_NAME.test(name) || /[\r\n\0]/.test(value)) {
      throw new UsageError(
        `--header must look like 'Name: value' (header ${Object.keys(headers).length + 1} does not).`,
      );
    }
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** `--timing`: machine and sandbox waits in milliseconds. */
export interface TimingOverrides {
  machine: Partial<CloudConnectTiming>;
  sandbox: Partial<SandboxTiming>;
}

/** Parses `--timing '{"firstCheckMs":500}'`: known keys only, each a number of ms >= 0. */
export function timingOption(values: OptionValues): TimingOverrides {
  const text = stringOption(values, 'timing');
  const timing: TimingOverrides = { machine: {}, sandbox: {} };
  if (text === undefined) return timing;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('--timing must be a JSON object such as \'{"firstCheckMs":500}\'.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError('--timing must be a JSON object such as \'{"firstCheckMs":500}\'.');
  }
  for (const [key, value] of Object.entries(parsed)) {
    const target = Object.hasOwn(DEFAULT_TIMING, key)
      ? timing.machine
      : Object.hasOwn(DEFAULT_SANDBOX_TIMING, key)
        ? timing.sandbox
        : undefined;
    if (!target) {
      const known = [...Object.keys(DEFAULT_TIMING), ...Object.keys(DEFAULT_SANDBOX_TIMING)];
      throw new UsageError(`--timing: unknown key "${key}" (known: ${known.join(', ')}).`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new UsageError(`--timing: ${key} must be a number of milliseconds >= 0.`);
    }
    (target as Record<string, number>)[key] = value;
  }
  return timing;
}
