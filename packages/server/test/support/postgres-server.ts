// A real PostgreSQL server for tests and the benchmark: Debian's binaries, a temporary data
// directory, 127.0.0.1 on a free port. As root the server runs as the `postgres` user, since
// PostgreSQL refuses to run as root.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

const INSTALL_HINT =
  "PostgreSQL is needed for the server package's tests and benchmark. Install it with " +
  "'sudo apt-get install -y postgresql' (Debian/Ubuntu; bash scripts/install-postgres.sh does it), " +
  'or set POSTGRES_BIN to a directory holding initdb and pg_ctl.';

/** A PostgreSQL server this process started; `stop`/`start` keep its data, `destroy` removes it. */
export interface PostgresServer {
  /** A connection string for the `postgres` superuser and database. */
  readonly url: string;
  readonly port: number;
  /** Stops the server; `immediate` is a crash as far as the data is concerned (WAL recovery on start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and deletes its data directory. */
  destroy(): Promise<void>;
}

/** Where initdb and pg_ctl are: POSTGRES_BIN, else the newest /usr/lib/postgresql/<version>/bin. */
export function postgresBinDir(): string {
  const fromEnv = process.env.POSTGRES_BIN;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'pg_ctl')))
      throw new Error(`No pg_ctl in POSTGRES_BIN (${fromEnv}). ${INSTALL_HINT}`);
    return fromEnv;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) throw new Error(INSTALL_HINT);
  return join(root, newest, 'bin');
}

/** Initialises a data directory in a temporary folder and starts a server on a free port. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  // The `postgres` user must reach the directory: a TMPDIR inside root's home would not do.
  const dataDir = mkdtempSync(join(asRoot ? '/tmp' : tmpdir(), 'cloud-connect-pg-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dataDir, Number(stdout.trim()), Number(gid.trim()));
  }
  const tool = (name: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, name), ...args])
      : run(join(bin, name), args);

  await tool('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  const start = async () => {
    await tool('pg_ctl', [
      '-D',
      dataDir,
      '-o',
      options,
      '-l',
      join(dataDir, 'server.log'),
      '-w',
      'start',
    ]);
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await tool('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);
  };
  await start();
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop(mode) {
      await stop(mode);
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      if (running) await stop('fast');
      running = false;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates an empty database on the server and returns its connection string. */
export async function createDatabase(serverUrl: string): Promise<string> {
  const name = `cc_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
