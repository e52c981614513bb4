/**
 * The demo's sign-in: every browser gets a tenant of its own on its first page load, kept in
 * an HttpOnly cookie. The cookie holds an unguessable id (128 random bits), so it works like a
 * session token and survives a restart of the host with nothing stored. A real product reads
 * its own session here instead.
 */
import { randomBytes } from 'node:crypto';

const COOKIE = 'northwind_tenant';
const TENANT_ID = /^[A-Za-z0-9_-]{22}$/;

/** The tenant the request's cookie names, or null when it carries none (or a forged one). */
export function tenantOf(request: Request): string | null {
  const header = request.headers.get('cookie');
  if (!header) return null;
  for (const pair of header.split(';')) {
    const [name, value] = pair.trim().split('=', 2);
    if (name === COOKIE && value !== undefined && TENANT_ID.test(value)) return value;
  }
  return null;
}

/** The Set-Cookie header that signs the browser in as a new tenant. */
export function signInCookie(): string {
  const tenantId = randomBytes(16).toString('base64url');
  // Lax keeps the cookie off cross-site POSTs; no Max-Age: a browser session is a demo user.
  return `${COOKIE}=${tenantId}; Path=/; HttpOnly; SameSite=Lax`;
}

/** The Set-Cookie header that signs the browser out (the next page load makes a new tenant). */
export function signOutCookie(): string {
  return `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}
