// The class can exist twice (the main entry's and the postgres entry's CJS bundles each carry
// one), so instanceof checks a registered brand rather than the prototype chain.
const BRAND = Symbol.for('@porter/cloud-connect-server:StoreUnavailableError');

/**
 * The store or coordination database cannot be reached (connection refused or lost, server
 * shutting down, no connection free in time). The handler answers 503 `UNAVAILABLE`, which
 * clients retry; retrying is safe, since every write of the handler is idempotent.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'UNAVAILABLE';
  readonly [BRAND] = true;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && BRAND in value;
  }
}
