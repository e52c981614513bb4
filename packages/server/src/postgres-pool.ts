import pg from 'pg';
import { StoreUnavailableError } from './store-unavailable-error';

/**
 * How the PostgreSQL store and coordination reach the database: the host's own `pg.Pool`
 * (it stays the host's: `close()` leaves it open), or a connection string (a pool is made and
 * `close()` ends it).
 */
export type PostgresConnectionOptions =
  | { pool: pg.Pool; connectionString?: never }
  | {
      connectionString: string;
      pool?: never;
      /** The most connections the pool opens. @default 10 */
      maxConnections?: number;
      /** How long a query waits for a connection before answering 503. @default 5000 */
      connectionTimeoutMs?: number;
    };

/** A pool and whether this package made it (and so must end it). */
export interface OpenedPool {
  pool: pg.Pool;
  owned: boolean;
}

/** The pool the options name, or a new one for their connection string. */
export function openPool(options: PostgresConnectionOptions): OpenedPool {
  if (options.pool) return { pool: options.pool, owned: false };
  if (typeof options.connectionString !== 'string' || options.connectionString === '') {
    throw new TypeError('Pass a pg Pool as `pool` or a connection string as `connectionString`.');
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    // pg waits for ever by default; a database that does not answer must become a 503.
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
  });
  // An idle connection that drops emits 'error' on the pool, which would end the process when
  // nobody listens. The pool has already discarded it; the next query reports the outage.
  pool.on('error', () => {});
  return { pool, owned: true };
}

// SQLSTATEs meaning the server is unreachable, going away or out of connections
// (class 08, connection exception, is matched by prefix).
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '58000', '58030']);
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// pg and pg-pool report a dropped connection or a full pool with a bare Error and these words.
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection error and is not queryable/i,
];

/** The reason `error` means the database cannot be reached, or undefined when it is another failure. */
export function unavailability(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || UNAVAILABLE_NODE_CODES.has(code)) {
      return code;
    }
  }
  if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message))) return 'connection lost';
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const reason = unavailability(inner);
      if (reason) return reason;
    }
  }
  return undefined;
}

/**
 * The error to throw for a failed query: a {@link StoreUnavailableError} when the database
 * cannot be reached (the handler answers 503), a clear one when the schema was never migrated,
 * else the driver's own.
 */
export function translatePostgresError(error: unknown): unknown {
  const reason = unavailability(error);
  if (reason) {
    return new StoreUnavailableError(`PostgreSQL cannot be reached (${reason}).`, { cause: error });
  }
  if (error instanceof Error && (error as { code?: unknown }).code === '42P01') {
    return new Error(
      'The Cloud Connect tables are missing from this database: run `await store.migrate()` (from createPostgresStore) once before serving requests.',
      { cause: error },
    );
  }
  return error;
}
