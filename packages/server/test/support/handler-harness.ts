import type { Blocker, ConnectionCheck, RevocationCheck } from '@porter/cloud-connect';
import type { ConnectionVerifier, RoleTarget } from '../../src/connection-verifier';
import {
  type CloudConnectHandlerOptions,
  type CloudConnectHandlerWithEvents,
  createCloudConnectHandler,
} from '../../src/handler';
import type { ConnectionStore } from '../../src/stores/connection-store';
import { createMemoryStore } from '../../src/stores/memory-store';

export const BASE = 'https://app.example.com/api/cloud-connect';
export const TEMPLATE_URL = 'https://porter-templates.s3.us-east-1.amazonaws.com/porter-role.json';
export const TRUSTED_PRINCIPAL = 'arn:aws:iam::111122223333:role/porter-vendor';

/** A verifier whose answers a test scripts; it counts calls and records targets. */
export interface ScriptedVerifier extends ConnectionVerifier {
  connectionCalls: RoleTarget[];
  revocationCalls: RoleTarget[];
  nextConnection: (target: RoleTarget, signal?: AbortSignal) => Promise<ConnectionCheck>;
  nextRevocation: (target: RoleTarget) => Promise<RevocationCheck>;
}

export function scriptedVerifier(): ScriptedVerifier {
  const verifier: ScriptedVerifier = {
    connectionCalls: [],
    revocationCalls: [],
    nextConnection: async () => ({ status: 'pending', reason: 'not-assumable' }),
    nextRevocation: async () => ({ status: 'pending' }),
    checkConnection(target, opts) {
      verifier.connectionCalls.push(target);
      return verifier.nextConnection(target, opts?.signal);
    },
    checkRevocation(target) {
      verifier.revocationCalls.push(target);
      return verifier.nextRevocation(target);
    },
  };
  return verifier;
}

export interface Harness {
  handler: CloudConnectHandlerWithEvents;
  verifier: ScriptedVerifier;
  store: ConnectionStore;
  blockers: Blocker[];
  clock: { now: number };
  /** Sends a request as `tenant` (none: unauthenticated). A plain object body is sent as JSON. */
  send(
    method: string,
    path: string,
    init?: { tenant?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** Sends and reads the JSON answer. */
  json(
    method: string,
    path: string,
    init?: { tenant?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;
}

export function harness(
  overrides: Partial<Omit<CloudConnectHandlerOptions, 'config'>> & {
    config?: Partial<CloudConnectHandlerOptions['config']>;
  } = {},
): Harness {
  const verifier = scriptedVerifier();
  const store = overrides.store ?? createMemoryStore();
  const clock = { now: Date.parse('2026-11-29T08:00:00Z') };
  const blockers: Blocker[] = [];
  const handler = createCloudConnectHandler({
    verifier,
    store,
    authenticate: async (request) => {
      const token = request.headers.get('authorization')?.replace(/^Bearer /, '');
      return token ? { tenantId: token } : null;
    },
    listBlockers: async () => blockers,
    now: () => clock.now,
    ...overrides,
    config: {
      region: 'us-east-1',
      templateUrl: TEMPLATE_URL,
      trustedPrincipalArn: TRUSTED_PRINCIPAL,
      basePath: '/api/cloud-connect',
      ...overrides.config,
    },
  });
  const send: Harness['send'] = (method, path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.tenant) headers.set('authorization', `Bearer ${init.tenant}`);
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    return handler(new Request(`${BASE}${path}`, { method, headers, body }));
  };
  return {
    handler,
    verifier,
    store,
    blockers,
    clock,
    send,
    async json(method, path, init) {
      const response = await send(method, path, init);
      return {
        status: response.status,
        body: (await response.json()) as Record<string, unknown>,
        headers: response.headers,
      };
    },
  };
}

/** A promise a test settles by hand. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
