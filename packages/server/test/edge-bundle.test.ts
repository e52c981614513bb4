import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConnectionCheck, ConnectSession } from '@porter/cloud-connect';
import { type Sandbox, startSandbox } from '@porter/cloud-connect-sandbox';
import type * as XmlDom from '@xmldom/xmldom';
import { build, type Plugin } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as MainEntry from '../src/index';
import { recordingLogger } from './support/recording-logger';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const NODE_BUILTINS = new Set(builtinModules);

// Fails the build on any Node built-in, naming who imports it: a worker has none of them.
const refuseNodeBuiltins: Plugin = {
  name: 'refuse-node-builtins',
  setup(plugin) {
    plugin.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.replace(/^node:/, '').split('/')[0] ?? '';
      if (!args.path.startsWith('node:') && !NODE_BUILTINS.has(bare)) return undefined;
      return {
        errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer}` }],
      };
    });
  },
};

/** Bundles an entry the way a worker's bundler does: no Node, the packages' browser builds. */
function bundleForEdge(entry: string) {
  return build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    // 'browser' applies package.json `browser` maps (the AWS SDK's fetch-based runtime config).
    platform: 'browser',
    conditions: ['@porter/source', 'worker'],
    logLevel: 'silent',
    plugins: [refuseNodeBuiltins],
  });
}

let dir: string;
let bundle: Uint8Array;
let entry: typeof MainEntry;
let xmldom: typeof XmlDom;

/**
 * A fresh instance of the one bundle: the SDK's browser build keeps the first DOMParser it
 * made in module state, so each test's globals meet a copy that has parsed nothing yet.
 */
async function loadBundle(name: string): Promise<typeof MainEntry> {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, bundle);
  return (await import(pathToFileURL(file).href)) as typeof MainEntry;
}

beforeAll(async () => {
  const result = await bundleForEdge(`${src}index.ts`);
  dir = mkdtempSync(join(tmpdir(), 'cloud-connect-edge-'));
  bundle = result.outputFiles[0]?.contents ?? new Uint8Array();
  entry = await loadBundle('server');
  // xmldom as a worker gets it: bundled for the browser platform, refused if it needs Node.
  const xmldomBuilt = await bundleForEdge(createRequire(import.meta.url).resolve('@xmldom/xmldom'));
  const xmldomFile = join(dir, 'xmldom.mjs');
  writeFileSync(xmldomFile, xmldomBuilt.outputFiles[0]?.contents ?? '');
  // A CommonJS package bundled as ESM: its exports object is the default export.
  xmldom = ((await import(pathToFileURL(xmldomFile).href)) as { default: typeof XmlDom }).default;
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the main entry on an edge runtime', () => {
  it('bundles for a platform without Node built-ins, and the guard refuses one that sneaks in', async () => {
    // The SQLite entry needs better-sqlite3, which needs fs and path: the guard must say so.
    const failed = await bundleForEdge(`${src}sqlite.ts`).then(
      () => 'built',
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/Node built-in "(node:)?\w+" imported by .*better-sqlite3/);
    expect(typeof entry.createCloudConnectHandler).toBe('function');
    expect('toNodeListener' in entry).toBe(false);
    expect('createSqliteStore' in entry).toBe(false);
  });

  it('runs the bundled handler on Request/Response with a memory store', async () => {
    const checks: string[] = [];
    const handler = entry.createCloudConnectHandler({
      verifier: {
        async checkConnection(target) {
          checks.push(target.externalId);
          return { status: 'pending', reason: 'not-assumable' };
        },
        async checkRevocation() {
          return { status: 'revoked' };
        },
      },
      store: entry.createMemoryStore(),
      authenticate: async () => ({ tenantId: 'tenant-edge' }),
      listBlockers: async () => [],
      config: {
        region: 'us-east-1',
        templateUrl: 'https://porter-templates.s3.us-east-1.amazonaws.com/porter-role.json',
        trustedPrincipalArn: 'arn:aws:iam::111122223333:role/porter-vendor',
        basePath: '/api/cloud-connect',
      },
    });
    const post = (path: string, body: unknown) =>
      handler(
        new Request(`https://edge.example.com/api/cloud-connect${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );

    const created = await post('/sessions', { accountId: '0123-4567-8901' });
    expect(created.status).toBe(201);
    const { session } = (await created.json()) as { session: ConnectSession };
    // Web Crypto minted both: a v4 UUID and 192 random bits of ExternalId.
    expect(session.sessionId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(session.externalId).toMatch(/^cc-[A-Za-z0-9_-]{32}$/);

    const checked = await post(`/sessions/${session.sessionId}/check`, {});
    expect(checked.status).toBe(200);
    expect(await checked.json()).toEqual({ check: { status: 'pending', reason: 'not-assumable' } });
    expect(checks).toEqual([session.externalId]);
  });
});

// Short enough that polling reaches `connected` soon; polling, not these figures, decides.
const SANDBOX_TIMING = { stackCreateMs: 50, propagationMs: 50, stackDeleteMs: 50 };
const globals = globalThis as Record<string, unknown>;
const restores: Array<() => void> = [];
let sandbox: Sandbox | undefined;

afterEach(async () => {
  for (const restore of restores.splice(0).reverse()) restore();
  await sandbox?.close();
  sandbox = undefined;
});

/** Sets browser globals as a worker's start-up code would, until the test ends. */
function installGlobals(values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    const before = Object.getOwnPropertyDescriptor(globalThis, name);
    globals[name] = value;
    restores.push(() => {
      if (before) Object.defineProperty(globalThis, name, before);
      else delete globals[name];
    });
  }
}

/** The bundled handler with the bundled AWS verifier, pointed at a started sandbox. */
async function edgeAgainstSandbox(bundled: typeof MainEntry) {
  const started = await startSandbox({ port: 0, timing: SANDBOX_TIMING });
  sandbox = started;
  const logLines: string[] = [];
  const handler = bundled.createCloudConnectHandler({
    verifier: bundled.createAwsVerifier({
      region: 'us-east-1',
      clientConfig: {
        endpoint: started.url,
        credentials: started.vendorCredentials,
        // One attempt per check: polling is the retry loop.
        maxAttempts: 1,
      },
    }),
    store: bundled.createMemoryStore(),
    authenticate: async () => ({ tenantId: 'tenant-edge' }),
    listBlockers: async () => [],
    logger: recordingLogger(logLines),
    config: {
      region: 'us-east-1',
      templateUrl: started.templateUrl,
      trustedPrincipalArn: started.vendorPrincipalArn,
      consoleBaseUrl: started.consoleBaseUrl,
      allowedTemplateOrigins: [new URL(started.templateUrl).origin],
    },
  });
  const post = async (path: string, body: unknown = {}) => {
    const response = await handler(
      new Request(`https://edge.example.com${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const createSession = async () => {
    const created = await post('/sessions', { accountId: started.customerAccountId });
    expect(created.status).toBe(201);
    return created.json.session as ConnectSession;
  };
  return { sandbox: started, post, createSession, logLines };
}

describe('the bundled AWS verifier against the sandbox', () => {
  it("connects with xmldom's DOMParser and Node installed, as a worker would", async () => {
    installGlobals({ DOMParser: xmldom.DOMParser, Node: xmldom.Node });
    const edge = await edgeAgainstSandbox(await loadBundle('with-xmldom'));
    const session = await edge.createSession();
    const check = async () => {
      const { status, json } = await edge.post(`/sessions/${session.sessionId}/check`);
      expect(status).toBe(200);
      return json.check as ConnectionCheck;
    };

    // STS's AccessDenied answer is XML too: parsed, it is the normal "not yet".
    expect(await check()).toEqual({ status: 'pending', reason: 'not-assumable' });
    await edge.sandbox.customer.createStack(session.quickCreateUrl);
    let result = await check();
    for (let attempt = 0; result.status === 'pending' && attempt < 400; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      result = await check();
    }
    expect(result).toMatchObject({
      status: 'connected',
      roleArn: `arn:aws:iam::${edge.sandbox.customerAccountId}:role/porter-manager`,
    });
    // Only a parsed DescribeStacks answer carries the stack's template version.
    expect(result.status === 'connected' && result.templateVersion).toEqual(expect.any(String));
  });

  it.each([
    { missing: 'DOMParser', installs: [] },
    { missing: 'Node', installs: ['DOMParser'] as const },
  ])(
    'without a global $missing, answers 502 UPSTREAM and logs what to install',
    async ({ missing, installs }) => {
      installGlobals(Object.fromEntries(installs.map((name) => [name, xmldom[name]])));
      expect(missing in globalThis).toBe(false);
      const edge = await edgeAgainstSandbox(await loadBundle(`without-${missing}`));
      const session = await edge.createSession();

      const { status, json } = await edge.post(`/sessions/${session.sessionId}/check`);
      expect(status).toBe(502);
      expect(json).toMatchObject({ error: { code: 'UPSTREAM' } });
      const hint = edge.logLines.find((line) => line.startsWith('error '));
      expect(hint).toContain(`global ${missing}`);
      expect(hint).toContain('@xmldom/xmldom');
    },
  );
});
