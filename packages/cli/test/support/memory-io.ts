import type { CliIo } from '../../src/io';

/** An in-memory `CliIo` for running `run()` in the test process (not a terminal). */
export function memoryIo(options: { signal?: AbortSignal; cwd?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (chunk) => (stdout += chunk) },
    stderr: { write: (chunk) => (stderr += chunk) },
    env: { PORTER_CONNECT_NO_OPEN: '1' },
    cwd: options.cwd ?? process.cwd(),
    ...(options.signal && { signal: options.signal }),
  };
  return { io, stdout: () => stdout, stderr: () => stderr };
}
