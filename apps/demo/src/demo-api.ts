/** The demo product's own API (/api/demo): configuration, clusters and the sandbox panel. */
import type { CloudConnectTiming } from '@porter/cloud-connect';

export interface DemoConfig {
  mode: 'sandbox' | 'aws';
  tenant: string;
  timing: Partial<CloudConnectTiming>;
}

export interface Cluster {
  id: string;
  accountId: string;
  name: string;
  createdAt: string;
}

export interface SandboxState {
  scenario: string;
  scenarios: string[];
  signedInAccount: string;
  accounts: Array<{ id: string; label: string }>;
  customerAccountId: string;
  clockOffsetMs: number;
  consoleUrl: string;
}

/** An answer of the demo API that was not a success, with its message. */
export class DemoApiError extends Error {
  override name = 'DemoApiError';
}

async function call<T>(path: string, init?: { method: string; body?: unknown }): Promise<T> {
  const response = await fetch(`/api/demo/${path}`, {
    method: init?.method ?? 'GET',
    headers: init?.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init?.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = (await response.json().catch(() => null)) as
    | (T & { error?: { message: string } })
    | null;
  if (!response.ok || body === null) {
    throw new DemoApiError(body?.error?.message ?? `The demo server answered ${response.status}.`);
  }
  return body;
}

export const demoApi = {
  config: () => call<DemoConfig>('config'),
  clusters: async (accountId: string) =>
    (await call<{ clusters: Cluster[] }>(`clusters?accountId=${encodeURIComponent(accountId)}`))
      .clusters,
  createCluster: async (accountId: string) =>
    (await call<{ cluster: Cluster }>('clusters', { method: 'POST', body: { accountId } })).cluster,
  deleteCluster: (id: string) =>
    call<unknown>(`clusters/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  sandbox: () => call<SandboxState>('sandbox'),
  setScenario: (scenario: string) =>
    call<SandboxState>('sandbox/scenario', { method: 'POST', body: { scenario } }),
  signInToConsole: (accountId: string) =>
    call<SandboxState>('sandbox/account', { method: 'POST', body: { accountId } }),
  advanceClock: (advanceMs: number) =>
    call<SandboxState>('sandbox/clock', { method: 'POST', body: { advanceMs } }),
  signOut: () => fetch('/api/demo/sign-out', { method: 'POST' }),
};
