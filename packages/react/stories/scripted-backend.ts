import {
  type Blocker,
  CloudConnectError,
  type CloudConnectErrorCode,
  type ConnectBackend,
  type ConnectionCheck,
  type ConnectSession,
  type RevocationCheck,
} from '@porter/cloud-connect';

/** What one backend call answers: a value, an error code it throws, or nothing ever. */
export type Scripted<T> = T | { throws: CloudConnectErrorCode } | 'never';

/** A script for every call; a list plays in order and its last entry repeats. */
export interface BackendScript {
  createSession?: Scripted<Partial<ConnectSession>>;
  checkConnection?: Scripted<ConnectionCheck>[];
  listBlockers?: Scripted<Blocker[]>[];
  checkRevocation?: Scripted<RevocationCheck>[];
  /** How long each answer takes, in ms. @default 0 */
  latencyMs?: number;
}

/** The backend, and what it was asked (signals included, to prove aborts). */
export interface ScriptedBackend extends ConnectBackend {
  calls: { method: keyof BackendScript; signal: AbortSignal | undefined }[];
  count(method: keyof BackendScript): number;
}

export const SCRIPTED_ACCOUNT_ID = '123456789012';

/** A session as the server package returns one, for the given account. */
export function scriptedSession(accountId = SCRIPTED_ACCOUNT_ID): ConnectSession {
  return {
    sessionId: 'sess_scripted',
    accountId,
    externalId: 'ext-scripted-0123456789',
    region: 'us-east-1',
    stackName: 'PorterRole',
    roleName: 'porter-manager',
    templateUrl: 'https://porter-templates.s3.us-east-1.amazonaws.com/porter-role-standard.json',
    quickCreateUrl: `https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/quickcreate?stackName=PorterRole&account=${accountId}`,
    stacksConsoleUrl:
      'https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks?filteringText=PorterRole',
    createdAt: '2026-01-05T10:00:00.000Z',
  };
}

export const CONNECTED_CHECK: Extract<ConnectionCheck, { status: 'connected' }> = {
  status: 'connected',
  roleArn: `arn:aws:iam::${SCRIPTED_ACCOUNT_ID}:role/porter-manager`,
  verifiedAt: '2026-01-05T10:03:00.000Z',
};

export const PENDING_CHECK: ConnectionCheck = { status: 'pending', reason: 'not-assumable' };

/**
 * A `ConnectBackend` that plays a script: what stories and tests drive the flow with. Every call
 * honours its abort signal, as `createHttpBackend`'s `fetch` does.
 */
export function createScriptedBackend(script: BackendScript = {}): ScriptedBackend {
  const calls: ScriptedBackend['calls'] = [];
  const played: Partial<Record<keyof BackendScript, number>> = {};

  function play<T>(
    method: keyof BackendScript,
    steps: Scripted<T>[],
    signal: AbortSignal | undefined,
  ): Promise<T> {
    calls.push({ method, signal });
    const index = played[method] ?? 0;
    played[method] = index + 1;
    const step = steps[Math.min(index, steps.length - 1)] as Scripted<T>;
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const aborted = () => {
        clearTimeout(timer);
        reject(new DOMException('The call was aborted.', 'AbortError'));
      };
      if (signal?.aborted) return aborted();
      signal?.addEventListener('abort', aborted, { once: true });
      if (step === 'never') return;
      timer = setTimeout(() => {
        if (typeof step === 'object' && step !== null && 'throws' in step) {
          reject(new CloudConnectError(step.throws));
        } else resolve(step as T);
      }, script.latencyMs ?? 0);
    });
  }

  return {
    calls,
    count: (method) => calls.filter((call) => call.method === method).length,
    createSession: ({ accountId }, opts) => {
      const step = script.createSession ?? {};
      const answer =
        step === 'never' || 'throws' in step ? step : { ...scriptedSession(accountId), ...step };
      return play('createSession', [answer], opts?.signal);
    },
    checkConnection: (_, opts) =>
      play('checkConnection', script.checkConnection ?? [PENDING_CHECK], opts?.signal),
    listBlockers: (_, opts) => play('listBlockers', script.listBlockers ?? [[]], opts?.signal),
    checkRevocation: (_, opts) =>
      play('checkRevocation', script.checkRevocation ?? [{ status: 'pending' }], opts?.signal),
  };
}
