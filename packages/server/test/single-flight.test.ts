import { describe, expect, it } from 'vitest';
import { createSingleFlight } from '../src/single-flight';
import { deferred } from './support/handler-harness';

describe('createSingleFlight', () => {
  it('runs one call per key while it is in flight and gives every caller its result', async () => {
    const flights = createSingleFlight<number>();
    const answer = deferred<number>();
    let calls = 0;
    const call = () => {
      calls += 1;
      return answer.promise;
    };
    const results = Promise.all([
      flights.run('a', call),
      flights.run('a', call),
      flights.run('a', call),
    ]);
    expect(flights.size).toBe(1);
    answer.resolve(42);
    expect(await results).toEqual([42, 42, 42]);
    expect(calls).toBe(1);
    expect(flights.size).toBe(0);
  });

  it('keeps different keys apart', async () => {
    const flights = createSingleFlight<string>();
    const results = await Promise.all([
      flights.run('a', async () => 'a'),
      flights.run('b', async () => 'b'),
    ]);
    expect(results).toEqual(['a', 'b']);
  });

  it('shares a failure with every caller, then starts afresh', async () => {
    const flights = createSingleFlight<number>();
    const failing = deferred<number>();
    const both = Promise.allSettled([
      flights.run('a', () => failing.promise),
      flights.run('a', () => failing.promise),
    ]);
    failing.reject(new Error('AWS is down'));
    expect((await both).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await flights.run('a', async () => 7)).toBe(7);
  });

  it('lets one caller stop waiting without cancelling the call for the others', async () => {
    const flights = createSingleFlight<number>();
    const answer = deferred<number>();
    let sharedSignal: AbortSignal | undefined;
    const call = (signal: AbortSignal) => {
      sharedSignal = signal;
      return answer.promise;
    };
    const leaving = new AbortController();
    const first = flights.run('a', call, leaving.signal);
    const second = flights.run('a', call, new AbortController().signal);
    leaving.abort(new Error('tab closed'));
    await expect(first).rejects.toThrow('tab closed');
    expect(sharedSignal?.aborted).toBe(false);
    answer.resolve(1);
    expect(await second).toBe(1);
  });

  it('cancels the call once every caller has gone', async () => {
    const flights = createSingleFlight<number>();
    let sharedSignal: AbortSignal | undefined;
    const call = (signal: AbortSignal) => {
      sharedSignal = signal;
      return new Promise<number>(() => {});
    };
    const a = new AbortController();
    const b = new AbortController();
    const runs = [flights.run('k', call, a.signal), flights.run('k', call, b.signal)];
    a.abort();
    b.abort();
    await Promise.allSettled(runs);
    expect(sharedSignal?.aborted).toBe(true);
    expect(flights.size).toBe(0);
  });
});
