import type { ConnectionPosition } from './stores/connection-store';

// A canonical ISO 8601 instant, the only form stores write (`Date#toISOString`).
const ISO_INSTANT = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// Session ids are UUIDs; printable ASCII keeps out what a database cannot hold (NUL).
const SESSION_ID = /^[\x21-\x7e]{1,256}$/;

/**
 * The `nextCursor` of a connections page: where the page ended (the last connection's
 * verification time and session id), as base64url JSON. Clients treat it as opaque; the
 * position, not an offset, keeps paging stable while connections are added.
 */
export function encodeConnectionCursor(position: ConnectionPosition): string {
  const json = JSON.stringify([position.verifiedAt, position.sessionId]);
  // Session ids and timestamps are ASCII, which is what btoa takes.
  return btoa(json).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The position a cursor names, or null when it is not one this server makes. */
export function decodeConnectionCursor(cursor: string): ConnectionPosition | null {
  let value: unknown;
  try {
    value = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [verifiedAt, sessionId] = value as unknown[];
  if (typeof verifiedAt !== 'string' || !ISO_INSTANT.test(verifiedAt)) return null;
  // Round-tripping refuses dates that do not exist (2026-02-30), which a database would reject.
  const time = Date.parse(verifiedAt);
  if (Number.isNaN(time) || new Date(time).toISOString() !== verifiedAt) return null;
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) return null;
  return { verifiedAt, sessionId };
}
