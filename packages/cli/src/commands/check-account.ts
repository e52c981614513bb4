import {
  CloudConnectError,
  type ConnectBackend,
  type ConnectionCheck,
  type ConnectSession,
  type ErrorInfo,
  HttpBackendError,
} from '@porter/cloud-connect';

/** The account's session (created on first use, as the web flow does) and one check of its role. */
export async function checkAccount(
  backend: ConnectBackend,
  accountId: string,
  signal?: AbortSignal,
): Promise<{ session: ConnectSession; check: ConnectionCheck }> {
  const opts = signal ? { signal } : undefined;
  const session = await backend.createSession({ accountId }, opts);
  const check = await backend.checkConnection({ sessionId: session.sessionId }, opts);
  return { session, check };
}

/**
 * A backend's thrown error as plain data, with what a developer needs to fix it (the HTTP
 * status and the server's own message); undefined for anything that is not a Cloud Connect error.
 */
export function thrownErrorInfo(error: unknown): ErrorInfo | undefined {
  if (!(error instanceof CloudConnectError)) return undefined;
  const info = error.toJSON();
  if (!(error instanceof HttpBackendError) || error.status === undefined) return info;
  const cause = typeof error.cause === 'string' ? `: ${error.cause}` : '';
  return { ...info, message: `${info.message} (HTTP ${error.status}${cause})` };
}
