/**
 * Shares one in-flight call among everyone asking for the same key: concurrent checks of one
 * session make one AWS call. The shared call is aborted only when every caller has aborted;
 * a caller that aborts alone stops waiting at once.
 */
export interface SingleFlight<T> {
  run(key: string, call: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** How many distinct calls are in flight (for tests and the benchmark). */
  readonly size: number;
}

interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
}

/** Creates an empty {@link SingleFlight}. */
export function createSingleFlight<T>(): SingleFlight<T> {
  const flights = new Map<string, Flight<T>>();

  function start(key: string, call: (signal: AbortSignal) => Promise<T>): Flight<T> {
    const controller = new AbortController();
    const flight: Flight<T> = { controller, waiters: 0, promise: Promise.resolve() as Promise<T> };
    flight.promise = (async () => {
      try {
        return await call(controller.signal);
      } finally {
        // Forget the flight the moment it settles, so the next caller starts a fresh check.
        if (flights.get(key) === flight) flights.delete(key);
      }
    })();
    // Waiters that abort early leave the shared promise unobserved: keep it from surfacing as unhandled.
    flight.promise.catch(() => {});
    flights.set(key, flight);
    return flight;
  }

  return {
    get size() {
      return flights.size;
    },
    run(key, call, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const flight = flights.get(key) ?? start(key, call);
      flight.waiters += 1;
      if (!signal) return flight.promise;
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          flight.waiters -= 1;
          if (flight.waiters === 0) {
            // Nobody waits any more: stop the call, and let the next caller start afresh.
            if (flights.get(key) === flight) flights.delete(key);
            flight.controller.abort(signal.reason);
          }
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        flight.promise.then(
          (value) => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
          },
          (error: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
          },
        );
      });
    },
  };
}
