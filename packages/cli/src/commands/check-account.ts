import {
  CloudConnectError,
  type ConnectBackend,
  type ConnectionCheck,
  type ConnectSession,
  errorInfo,
  HttpBackendError,
} from '@porter/cloud-connect';
import type { ReportedError } from './results';

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
 * A backend's thrown error as the CLI reports it, with the HTTP status and the server's own
 * message when the HTTP backend had them; undefined for anything that is not a Cloud Connect error.
 */
export function thrownErrorInfo(error: unknown): ReportedError | undefined {
  if (!(error instanceof CloudConnectError)) return undefined;
  const info: ReportedError = error.toJSON();
  if (info.detail || !(error instanceof HttpBackendError) || error.status === undefined)
    return info;
  return {
    ...info,
    detail: {
      status: error.status,
      ...(typeof error.cause === 'string' && { cause: error.cause }),
    },
  };
}

/**
 * The error of a check that says nothing about the role: AWS throttled or could not be reached,
 * so "connected" and "not connected" are both unknown. Undefined for any other check.
 */
export function undecidedError(check: ConnectionCheck): ReportedError | undefined {
  if (check.status !== 'pending' || check.reason === 'not-assumable') return undefined;
  return errorInfo(check.reason === 'throttled' ? 'RATE_LIMITED' : 'NETWORK');
}
