/**
 * The demo product's own API under /api/demo: who is signed in and how the app is set up, the
 * clusters, and the sandbox panel. Routes read as a table; a guard throws a DemoApiError and
 * one boundary turns it into the JSON answer.
 */
import { isAccountId } from '@porter/cloud-connect';
import { isSandboxScenario } from '@porter/cloud-connect-sandbox';
import type { ClusterRegistry } from './cluster-registry';
import type { SandboxControls } from './sandbox-controls';

/** An error with the status and code the browser receives. */
export class DemoApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DemoApiError';
  }
}

/** What the app reads at start. */
export interface DemoConfig {
  mode: 'sandbox' | 'aws';
  /** The first characters of the tenant id, to show who is signed in. */
  tenant: string;
  /** Machine timing the flow runs with (short in sandbox mode). */
  timing: Record<string, number>;
}

export interface DemoApiContext {
  mode: 'sandbox' | 'aws';
  timing: Record<string, number>;
  clusters: ClusterRegistry;
  sandbox: SandboxControls | undefined;
}

type Route = (request: Request, tenantId: string, params: string[]) => Promise<unknown> | unknown;

const MAX_BODY_CHARS = 4096;
const CLUSTER_NAME = /^[a-z][a-z0-9-]{0,38}$/;

/** Answers /api/demo/* for a signed-in tenant. */
export function createDemoApi(context: DemoApiContext) {
  const routes: Array<[method: string, path: RegExp, route: Route]> = [
    ['GET', /^\/api\/demo\/config$/, (_request, tenantId) => config(tenantId)],
    ['GET', /^\/api\/demo\/clusters$/, listClusters],
    ['POST', /^\/api\/demo\/clusters$/, createCluster],
    ['DELETE', /^\/api\/demo\/clusters\/([\w-]+)$/, deleteCluster],
    ['GET', /^\/api\/demo\/sandbox$/, () => sandbox().state()],
    ['POST', /^\/api\/demo\/sandbox\/scenario$/, setScenario],
    ['POST', /^\/api\/demo\/sandbox\/account$/, signInToConsole],
    ['POST', /^\/api\/demo\/sandbox\/clock$/, advanceClock],
  ];

  function config(tenantId: string): DemoConfig {
    return { mode: context.mode, tenant: tenantId.slice(0, 6), timing: context.timing };
  }

  function listClusters(request: Request, tenantId: string) {
    const accountId = new URL(request.url).searchParams.get('accountId') ?? '';
    return { clusters: context.clusters.list(tenantId, requireAccountId(accountId)) };
  }

  async function createCluster(request: Request, tenantId: string) {
    const body = await readJson(request);
    const accountId = requireAccountId(body.accountId);
    const existing = context.clusters.list(tenantId, accountId);
    const name = body.name ?? `cluster-${existing.length + 1}`;
    if (typeof name !== 'string' || !CLUSTER_NAME.test(name)) {
      throw new DemoApiError(
        400,
        'INVALID_CLUSTER_NAME',
        'A cluster name is 1-39 lower-case letters, digits and hyphens, starting with a letter.',
      );
    }
    return { cluster: context.clusters.create(tenantId, accountId, name) };
  }

  function deleteCluster(_request: Request, tenantId: string, [clusterId = '']: string[]) {
    if (!context.clusters.delete(tenantId, clusterId))
      throw new DemoApiError(404, 'NOT_FOUND', 'There is no such cluster.');
    return { deleted: clusterId };
  }

  async function setScenario(request: Request) {
    const { scenario } = await readJson(request);
    if (!isSandboxScenario(scenario))
      throw new DemoApiError(400, 'INVALID_SCENARIO', 'There is no such sandbox scenario.');
    sandbox().setScenario(scenario);
    return sandbox().state();
  }

  async function signInToConsole(request: Request) {
    const { accountId } = await readJson(request);
    if (typeof accountId !== 'string' || !(await sandbox().signInToConsole(accountId)))
      throw new DemoApiError(400, 'INVALID_ACCOUNT', 'The sandbox console has no such account.');
    return sandbox().state();
  }

  async function advanceClock(request: Request) {
    const { advanceMs } = await readJson(request);
    if (
      typeof advanceMs !== 'number' ||
      !Number.isInteger(advanceMs) ||
      advanceMs <= 0 ||
      advanceMs > 3_600_000
    )
      throw new DemoApiError(
        400,
        'INVALID_DURATION',
        'advanceMs is a whole number of milliseconds, up to an hour.',
      );
    sandbox().advanceClock(advanceMs);
    return sandbox().state();
  }

  function sandbox(): SandboxControls {
    if (!context.sandbox)
      throw new DemoApiError(404, 'NOT_FOUND', 'The sandbox panel exists in sandbox mode only.');
    return context.sandbox;
  }

  return async function handleDemoApi(request: Request, tenantId: string): Promise<Response> {
    const { pathname } = new URL(request.url);
    try {
      const matches = routes.filter(([, path]) => path.test(pathname));
      if (matches.length === 0) throw new DemoApiError(404, 'NOT_FOUND', 'There is nothing here.');
      const match = matches.find(([method]) => method === request.method);
      if (!match) {
        throw new DemoApiError(
          405,
          'METHOD_NOT_ALLOWED',
          `Use ${matches.map(([m]) => m).join(' or ')}.`,
        );
      }
      const [, path, route] = match;
      const params = path.exec(pathname)?.slice(1) ?? [];
      return Response.json(await route(request, tenantId, params));
    } catch (error) {
      if (error instanceof DemoApiError)
        return Response.json(
          { error: { code: error.code, message: error.message } },
          { status: error.status },
        );
      console.error('[demo] unexpected error', error);
      return Response.json(
        { error: { code: 'INTERNAL', message: 'The demo server failed; see its log.' } },
        { status: 500 },
      );
    }
  };
}

function requireAccountId(value: unknown): string {
  if (typeof value !== 'string' || !isAccountId(value))
    throw new DemoApiError(400, 'INVALID_ACCOUNT_ID', 'accountId is a 12-digit AWS account ID.');
  return value;
}

// JSON only: a cross-site form cannot send it without a CORS preflight this server never grants.
async function readJson(request: Request): Promise<Record<string, unknown>> {
  if (!(request.headers.get('content-type') ?? '').startsWith('application/json'))
    throw new DemoApiError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Send JSON (content-type: application/json).',
    );
  const text = await request.text();
  if (text.length > MAX_BODY_CHARS)
    throw new DemoApiError(413, 'PAYLOAD_TOO_LARGE', 'The body is too large.');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new DemoApiError(400, 'BAD_REQUEST', 'The body is not JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new DemoApiError(400, 'BAD_REQUEST', 'The body is a JSON object.');
  return body as Record<string, unknown>;
}
