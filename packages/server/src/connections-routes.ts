import {
  DEFAULT_CONNECTIONS_PAGE_SIZE,
  type GetConnectionByAccountResponse,
  type ListConnectionsResponse,
  MAX_CONNECTIONS_PAGE_SIZE,
  type MessageOverrides,
  parseAccountId,
} from '@porter/cloud-connect';
import { decodeConnectionCursor, encodeConnectionCursor } from './connection-cursor';
import { toConnectedAccount } from './session-view';
import type { ConnectionPosition, ConnectionStore } from './stores/connection-store';
import { errorResponse, jsonResponse } from './wire-errors';
import { type WireMessageOverrides, wireMessage } from './wire-messages';

/** What the connections routes read: the store and the template version stacks should run. */
export interface ConnectionsRoutesOptions {
  store: ConnectionStore;
  templateVersion: string;
  messages?: MessageOverrides;
  wireMessages?: WireMessageOverrides;
}

/**
 * `GET /connections` and `GET /connections/:accountId`: a tenant's connected accounts, for
 * dashboards that list them all. Both are tenant-bound: the store is only asked for `tenantId`.
 */
export function createConnectionsRoutes(options: ConnectionsRoutesOptions) {
  const { store, templateVersion, messages, wireMessages } = options;
  const badRequest = (id: 'invalidCursor' | 'invalidLimit') =>
    errorResponse('BAD_REQUEST', wireMessage(id, { max: MAX_CONNECTIONS_PAGE_SIZE }, wireMessages));

  return {
    /** `GET /connections?cursor=&limit=`: one page, newest verification first. */
    async listConnections(tenantId: string, url: URL): Promise<Response> {
      const limit = pageSize(url.searchParams.get('limit'));
      if (limit === null) return badRequest('invalidLimit');
      const cursor = url.searchParams.get('cursor');
      let after: ConnectionPosition | undefined;
      if (cursor !== null) {
        const position = decodeConnectionCursor(cursor);
        if (!position) return badRequest('invalidCursor');
        after = position;
      }
      // One more than the page tells whether another page follows, without a count query.
      const records = await store.listConnections(tenantId, {
        ...(after && { after }),
        limit: limit + 1,
      });
      const page = records.slice(0, limit);
      const last = page.at(-1);
      const connections = page.flatMap(
        (record) => toConnectedAccount(record, templateVersion) ?? [],
      );
      return jsonResponse<ListConnectionsResponse>(200, {
        connections,
        nextCursor:
          records.length > limit && last?.verifiedAt
            ? encodeConnectionCursor({ verifiedAt: last.verifiedAt, sessionId: last.sessionId })
            : null,
      });
    },

    /** `GET /connections/:accountId`: the tenant's connection to one account; 404 when none. */
    async getConnectionByAccount(tenantId: string, rawAccountId: string): Promise<Response> {
      const parsed = parseAccountId(rawAccountId, messages);
      if (!parsed.ok) return errorResponse('INVALID_ACCOUNT_ID', parsed.message);
      const connection = toConnectedAccount(
        await store.findByAccount(tenantId, parsed.accountId),
        templateVersion,
      );
      if (!connection) {
        return errorResponse(
          'NOT_FOUND',
          wireMessage('connectionNotFound', { accountId: parsed.accountId }, wireMessages),
        );
      }
      return jsonResponse<GetConnectionByAccountResponse>(200, { connection });
    },
  };
}

// The `limit` parameter: absent is the default; anything but a whole number in range is null.
function pageSize(value: string | null): number | null {
  if (value === null) return DEFAULT_CONNECTIONS_PAGE_SIZE;
  if (!/^\d{1,3}$/.test(value)) return null;
  const limit = Number(value);
  return limit >= 1 && limit <= MAX_CONNECTIONS_PAGE_SIZE ? limit : null;
}
