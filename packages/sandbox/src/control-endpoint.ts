/** `/_sandbox`: the sandbox's own settings, and the scenario switch tests and the demo use. */
import type { IncomingHttpHeaders } from 'node:http';
import { jsonResponse, type SandboxResponse } from './http-response';
import { parseQueryString } from './query-protocol';
import { isSandboxScenario, SANDBOX_SCENARIOS, type SandboxScenario } from './scenarios';

/** What the control endpoint reads and changes. */
export interface ControlContext {
  scenario(): SandboxScenario;
  setScenario(scenario: SandboxScenario): void;
  /** The sandbox's addresses, accounts and timing, as JSON. */
  info(): Record<string, unknown>;
}

/**
 * `GET /_sandbox` (settings), `GET /_sandbox/scenario` (current and all), and
 * `POST /_sandbox/scenario` with `{"scenario":"..."}` or `scenario=...`.
 */
export function handleControlRequest(
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  body: Buffer,
  context: ControlContext,
): SandboxResponse {
  if (url.pathname === '/_sandbox/scenario') {
    if (method === 'GET') {
      return jsonResponse(200, { scenario: context.scenario(), scenarios: SANDBOX_SCENARIOS });
    }
    if (method !== 'POST') {
      return jsonResponse(
        405,
        { error: { code: 'METHOD_NOT_ALLOWED', message: 'Use GET or POST.' } },
        { allow: 'GET, POST' },
      );
    }
    const requested = scenarioFromBody(headers, body);
    if (!isSandboxScenario(requested)) {
      return jsonResponse(400, {
        error: {
          code: 'INVALID_SCENARIO',
          message: `Unknown scenario. Use one of: ${SANDBOX_SCENARIOS.join(', ')}.`,
        },
      });
    }
    context.setScenario(requested);
    return jsonResponse(200, { scenario: context.scenario() });
  }
  if (url.pathname === '/_sandbox' && method === 'GET') return jsonResponse(200, context.info());
  return jsonResponse(404, {
    error: { code: 'NOT_FOUND', message: 'There is nothing at this address.' },
  });
}

function scenarioFromBody(headers: IncomingHttpHeaders, body: Buffer): unknown {
  const text = body.toString('utf8');
  if (String(headers['content-type'] ?? '').includes('json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === 'object' && parsed !== null
        ? (parsed as { scenario?: unknown }).scenario
        : undefined;
    } catch {
      return undefined;
    }
  }
  try {
    return parseQueryString(text).get('scenario');
  } catch {
    return undefined;
  }
}
