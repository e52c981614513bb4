import type { LogFields, Logger } from '../../src/logger';

/** A logger that keeps every line, at every level, as `level message {fields}`. */
export function recordingLogger(lines: string[]): Logger {
  const write = (level: string) => (message: string, fields?: LogFields) =>
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
