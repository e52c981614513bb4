/** Structured fields attached to a log line. Never put credentials here. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * Where the server writes what it did. Every method is optional, so `console` fits as is and a
 * host can pass only the levels it wants. Lines carry error names and request ids, never
 * credentials.
 */
export interface Logger {
  debug?(message: string, fields?: LogFields): void;
  info?(message: string, fields?: LogFields): void;
  warn?(message: string, fields?: LogFields): void;
  error?(message: string, fields?: LogFields): void;
}

/** The default: the server stays quiet unless the host gives it a logger. */
export const silentLogger: Logger = {};
