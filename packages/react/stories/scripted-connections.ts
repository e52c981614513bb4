import {
  CloudConnectError,
  type CloudConnectErrorCode,
  type ConnectedAccount,
  type ConnectionsBackend,
} from '@porter/cloud-connect';
import {
  type BackendScript,
  createScriptedBackend,
  type ScriptedBackend,
} from './scripted-backend';

/** A tenant's connected account `n` (1-based), verified `n` hours after a fixed time. */
export function scriptedConnection(n: number, overrides: Partial<ConnectedAccount> = {}) {
  const accountId = String(100_000_000_000 + n);
  const verifiedAt = new Date(Date.UTC(2026, 0, 5, n)).toISOString();
  return {
    accountId,
    roleArn: `arn:aws:iam::${accountId}:role/porter-manager`,
    verifiedAt,
    sessionId: `sess_${n}`,
    templateVersion: '1.0.0',
    updateDue: false,
    lastHealthCheck: { checkedAt: verifiedAt, status: 'connected' as const },
    ...overrides,
  } satisfies ConnectedAccount;
}

/** A scripted flow backend with a tenant's connections, as `createHttpBackend` answers them. */
export interface ScriptedConnectionsBackend extends ScriptedBackend, ConnectionsBackend {
  /** The tenant's connections now, newest verification first. */
  connections: ConnectedAccount[];
  /** How many times the list was asked for. */
  listCalls: number;
}

/**
 * The tenant's `connections` behind a scripted backend: a revocation the script confirms removes
 * the account from them, a health check records its verdict, and `listFails` makes listing throw.
 */
export function createScriptedConnectionsBackend(
  options: {
    connections?: ConnectedAccount[];
    script?: BackendScript;
    listFails?: CloudConnectErrorCode;
    /** How long listing takes, in ms. @default 0 */
    latencyMs?: number;
  } = {},
): ScriptedConnectionsBackend {
  const base = createScriptedBackend(options.script);
  const sorted = () =>
    backend.connections.sort((a, b) =>
      a.verifiedAt === b.verifiedAt
        ? b.sessionId.localeCompare(a.sessionId)
        : b.verifiedAt.localeCompare(a.verifiedAt),
    );
  const delay = () => new Promise((resolve) => setTimeout(resolve, options.latencyMs ?? 0));
  const backend: ScriptedConnectionsBackend = {
    ...base,
    connections: [...(options.connections ?? [])],
    listCalls: 0,
    async listConnections(input = {}) {
      backend.listCalls += 1;
      await delay();
      if (options.listFails) throw new CloudConnectError(options.listFails);
      const all = sorted();
      // The cursor is the last account of the page before, as a position (stable under inserts).
      const after = input.cursor ? all.findIndex((c) => c.accountId === input.cursor) + 1 : 0;
      const limit = input.limit ?? 50;
      const page = all.slice(after, after + limit);
      const more = after + limit < all.length;
      return {
        connections: page.map((c) => ({ ...c })),
        nextCursor: more ? (page.at(-1)?.accountId ?? null) : null,
      };
    },
    async getConnectionByAccount({ accountId }) {
      await delay();
      const found = backend.connections.find((c) => c.accountId === accountId);
      return found ? { ...found } : null;
    },
    async checkRevocation(input, opts) {
      const check = await base.checkRevocation(input, opts);
      if (check.status === 'revoked') {
        backend.connections = backend.connections.filter((c) => c.accountId !== input.accountId);
      }
      return check;
    },
    async checkConnection(input, opts) {
      const check = await base.checkConnection(input, opts);
      const connection = backend.connections.find((c) => c.sessionId === input.sessionId);
      if (connection) {
        connection.lastHealthCheck = {
          checkedAt: new Date(Date.parse(connection.verifiedAt) + 60_000).toISOString(),
          status: check.status,
        };
      }
      return check;
    },
  };
  return backend;
}
