// Starts handler-instance.ts processes and talks to them over HTTP.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface HandlerInstance {
  readonly name: string;
  readonly url: string;
  readonly process: ChildProcess;
  /** What the instance wrote to stderr so far: its warnings and errors. */
  stderr(): string;
  /** POSTs (or GETs without a body) as `tenant` and reads the JSON answer. */
  request(
    path: string,
    tenant: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

const script = fileURLToPath(new URL('./handler-instance.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

export function startHandlerInstance(
  name: string,
  env: {
    DATABASE_URL: string;
    VERIFIER_URL: string;
    LEASE_MS?: string;
    RESULT_TTL_MS?: string;
    COORDINATION?: 'postgres' | 'in-process';
  },
): Promise<HandlerInstance> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@porter/source', script],
    {
      cwd: packageDir,
      env: { ...process.env, ...env, INSTANCE_NAME: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.once('exit', (code) =>
      reject(new Error(`Instance ${name} exited (${code}) before listening: ${stderr}`)),
    );
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n')[0];
      if (!stdout.includes('\n') || !line) return;
      const { port } = JSON.parse(line) as { port: number };
      const url = `http://127.0.0.1:${port}`;
      resolve({
        name,
        url,
        process: child,
        stderr: () => stderr,
        async request(path, tenant, body) {
          const response = await fetch(`${url}${path}`, {
            method: body === undefined ? 'GET' : 'POST',
            headers: { authorization: `Bearer ${tenant}`, 'content-type': 'application/json' },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          return {
            status: response.status,
            body: (await response.json()) as Record<string, unknown>,
          };
        },
      });
    });
  });
}

/** Ends an instance and waits for it to go. */
export function stopHandlerInstance(instance: HandlerInstance, signal: NodeJS.Signals = 'SIGTERM') {
  if (instance.process.exitCode !== null || instance.process.signalCode !== null)
    return Promise.resolve();
  return new Promise<void>((resolve) => {
    instance.process.once('exit', () => resolve());
    instance.process.kill(signal);
  });
}
