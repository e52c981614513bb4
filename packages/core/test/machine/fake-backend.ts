import type {
  Blocker,
  CallOptions,
  ConnectBackend,
  Connection,
  ConnectionCheck,
  ConnectSession,
  RevocationCheck,
} from '../../src/backend';

export const ACCOUNT_ID = '123456789012';

export function sessionFor(accountId = ACCOUNT_ID): ConnectSession {
  return {
    sessionId: `session-${accountId}`,
    accountId,
    externalId: 'ext-0123456789abcdef',
    region: 'us-east-1',
    stackName: 'PorterRole',
    roleName: 'porter-manager',
    templateUrl: 'https://porter-templates.s3.amazonaws.com/role.json',
    quickCreateUrl: `https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/quickcreate?stackName=PorterRole&account=${accountId}`,
    stacksConsoleUrl:
      'https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks?filteringText=PorterRole',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

export const PENDING: ConnectionCheck = { status: 'pending', reason: 'not-assumable' };
export const CONNECTED: ConnectionCheck = {
  status: 'connected',
  roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/porter-manager`,
  verifiedAt: '2026-01-01T00:05:00.000Z',
};

/** A connection verified before the test began, for flows that start on one (`input.connection`). */
export const EXISTING_CONNECTION: Connection = {
  accountId: ACCOUNT_ID,
  roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/porter-manager`,
  verifiedAt: '2025-12-01T00:00:00.000Z',
  sessionId: `session-${ACCOUNT_ID}`,
};

type Answer<I, O> = (input: I, call: number) => O | Promise<O>;

/** One recorded backend call: what was asked, and whether the machine aborted it. */
export interface Call {
  method: keyof ConnectBackend;
  input: unknown;
  signal: AbortSignal | undefined;
}

/**
 * A scripted backend: each method answers with the given function (called with the input and
 * the call's number, from 1), and every call is recorded with its abort signal.
 */
export function createFakeBackend(
  script: {
    createSession?: Answer<{ accountId: string }, ConnectSession>;
    checkConnection?: Answer<{ sessionId: string }, ConnectionCheck>;
    listBlockers?: Answer<{ accountId: string }, Blocker[]>;
    checkRevocation?: Answer<{ accountId: string }, RevocationCheck>;
  } = {},
) {
  const calls: Call[] = [];
  const count = (method: keyof ConnectBackend) => calls.filter((c) => c.method === method).length;
  function record<I, O>(method: keyof ConnectBackend, answer: Answer<I, O>) {
    return async (input: I, opts?: CallOptions): Promise<O> => {
      calls.push({ method, input, signal: opts?.signal });
      return answer(input, count(method));
    };
  }
  const backend: ConnectBackend = {
    createSession: record(
      'createSession',
      script.createSession ?? ((i) => sessionFor(i.accountId)),
    ),
    checkConnection: record('checkConnection', script.checkConnection ?? (() => PENDING)),
    listBlockers: record('listBlockers', script.listBlockers ?? (() => [])),
    checkRevocation: record(
      'checkRevocation',
      script.checkRevocation ?? (() => ({ status: 'revoked' as const })),
    ),
  };
  return {
    backend,
    calls,
    count,
    callsOf: (method: keyof ConnectBackend) => calls.filter((c) => c.method === method),
  };
}

/** A promise the test settles by hand, to hold a request in flight. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
