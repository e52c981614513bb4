// The per-session token in the stack event properties: an HMAC of the session id under the
// host's secret. It proves the stack was made from a link this server gave out; it is not the
// ExternalId, which never leaves the trust policy.

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function keyOf(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    // One secret per handler; a handful at most in a process's life.
    keys.set(secret, key);
  }
  return key;
}

/** The token for a session: 43 base64url characters (HMAC-SHA256). */
export async function eventTokenFor(secret: string, sessionId: string): Promise<string> {
  const mac = await crypto.subtle.sign(
    'HMAC',
    await keyOf(secret),
    encoder.encode(`cloud-connect-stack-events\u0000${sessionId}`),
  );
  let binary = '';
  for (const byte of new Uint8Array(mac)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Whether `token` is the session's token, compared in constant time. */
export async function isEventToken(
  secret: string,
  sessionId: string,
  token: unknown,
): Promise<boolean> {
  if (typeof token !== 'string') return false;
  const expected = await eventTokenFor(secret, sessionId);
  if (token.length !== expected.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i += 1)
    difference |= expected.charCodeAt(i) ^ token.charCodeAt(i);
  return difference === 0;
}
