// The AWS side of the multi-instance test and benchmark: handler instances in other processes
// call this server for each check (see handler-instance.ts), so one process counts them all.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionCheck } from '@porter/cloud-connect';

export interface VerifierCall {
  accountId: string;
  instance: string;
}

/** A verifier service that answers `pending` after `delayMs`, counting every call. */
export interface CountingVerifier {
  readonly url: string;
  readonly calls: VerifierCall[];
  /** Holds calls for an account until `release`: a check stuck at AWS. */
  hold(accountId: string): void;
  release(accountId: string): void;
  /** Resolves with the next call for the account. */
  nextCall(accountId: string): Promise<VerifierCall>;
  close(): Promise<void>;
}

export async function startCountingVerifier(delayMs: number): Promise<CountingVerifier> {
  const calls: VerifierCall[] = [];
  const held = new Map<string, (() => void)[]>();
  const watchers: { accountId: string; resolve: (call: VerifierCall) => void }[] = [];
  const answer: ConnectionCheck = { status: 'pending', reason: 'not-assumable' };

  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const call = JSON.parse(body) as VerifierCall;
      calls.push(call);
      for (const watcher of watchers.splice(0)) {
        if (watcher.accountId === call.accountId) watcher.resolve(call);
        else watchers.push(watcher);
      }
      const reply = () => {
        // A caller killed meanwhile has closed its socket: nobody to answer.
        if (!response.destroyed) response.end(JSON.stringify(answer));
      };
      const waiting = held.get(call.accountId);
      if (waiting) waiting.push(reply);
      else setTimeout(reply, delayMs);
    });
  });
  // Longer than the instances keep idle connections to it: the server never closes a socket
  // just as an instance reuses it, which fails that check's fetch ("other side closed").
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    hold(accountId) {
      held.set(accountId, []);
    },
    release(accountId) {
      for (const reply of held.get(accountId) ?? []) reply();
      held.delete(accountId);
    },
    nextCall(accountId) {
      return new Promise((resolve) => watchers.push({ accountId, resolve }));
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
