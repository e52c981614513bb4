// The StackEventStore contract, run alike on the memory, SQLite and PostgreSQL stores, and what
// the database ones add: state shared between instances (a second store on the same database,
// or a second process on the same SQLite file), and seen message ids that stay bounded.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createPostgresStackEventStore } from '../src/stack-events/postgres-stack-event-store';
import { createSqliteStackEventStore } from '../src/stack-events/sqlite-stack-event-store';
import {
  createMemoryStackEventStore,
  type StackEventState,
  type StackEventStore,
} from '../src/stack-events/stack-event-store';
import { StoreUnavailableError } from '../src/store-unavailable-error';
import { createSqliteStore } from '../src/stores/sqlite-store';
import { createDatabase } from './support/postgres-server';
import { countUp } from './support/state-counter';

const directory = mkdtempSync(join(tmpdir(), 'cloud-connect-events-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const newFile = () => {
  files += 1;
  return join(directory, `events-${files}.sqlite`);
};

const SESSION = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const STACK = 'arn:aws:cloudformation:us-east-1:012345678901:stack/PorterRole/7d3c0b70';
const T0 = Date.parse('2026-11-29T08:00:00Z');

/** Stores `state` as the session's state, whatever was there. */
function put(store: StackEventStore, sessionId: string, state: StackEventState) {
  return store.updateState(sessionId, () => state);
}

/** An opened store and a way to close it (the memory store has nothing to close). */
interface Opened {
  store: StackEventStore;
  close(): Promise<void>;
}

async function openPostgres(url?: string): Promise<Opened & { url: string }> {
  const connectionString = url ?? (await createDatabase(inject('postgresUrl')));
  const store = createPostgresStackEventStore({ connectionString });
  await store.migrate();
  return { store, close: () => store.close(), url: connectionString };
}

function openSqlite(path = newFile()): Opened & { path: string } {
  const store = createSqliteStackEventStore(path);
  return { store, close: () => store.close(), path };
}

describe.each([
  [
    'createMemoryStackEventStore',
    async (): Promise<Opened> => ({
      store: createMemoryStackEventStore(),
      close: async () => {},
    }),
  ],
  ['createSqliteStackEventStore', async (): Promise<Opened> => openSqlite()],
  ['createPostgresStackEventStore', (): Promise<Opened> => openPostgres()],
] as const)('%s keeps the StackEventStore contract', (_name, open) => {
  it('remembers whose session a link was, and forgets nothing it never handed out', async () => {
    const { store, close } = await open();
    expect(await store.sessionOf(SESSION)).toBeNull();
    await store.rememberSession({
      sessionId: SESSION,
      tenantId: 'acme',
      accountId: '012345678901',
    });
    expect(await store.sessionOf(SESSION)).toEqual({
      sessionId: SESSION,
      tenantId: 'acme',
      accountId: '012345678901',
    });
    // A link handed out again (the same session) is remembered again, not duplicated.
    await store.rememberSession({
      sessionId: SESSION,
      tenantId: 'acme',
      accountId: '012345678901',
    });
    expect(await store.sessionOf(OTHER)).toBeNull();
    await close();
  });

  it('keeps a state exactly as put, optional fields included, and replaces it whole', async () => {
    const { store, close } = await open();
    const full: StackEventState = {
      stackId: STACK,
      phase: 'deleted',
      at: T0,
      failureReported: false,
      followUntil: T0 + 600_000,
    };
    expect(await put(store, SESSION, full)).toStrictEqual(full);
    expect(await store.stateOf(SESSION)).toStrictEqual(full);
    const bare: StackEventState = { stackId: STACK, phase: 'creating', at: T0 + 1 };
    expect(await put(store, SESSION, bare)).toStrictEqual(bare);
    expect(await store.stateOf(SESSION)).toStrictEqual(bare);
    expect(await store.stateOf(OTHER)).toBeNull();
    await close();
  });

  it('updates a state from the current one, and leaves it as it is when the update says null', async () => {
    const { store, close } = await open();
    const seen: (StackEventState | null)[] = [];
    const first = await store.updateState(SESSION, (current) => {
      seen.push(current);
      return { stackId: STACK, phase: 'deleted', at: T0 };
    });
    expect(first).toStrictEqual({ stackId: STACK, phase: 'deleted', at: T0 });
    const marked = await store.updateState(SESSION, (current) => {
      seen.push(current);
      return current && { ...current, failureReported: true };
    });
    expect(marked).toStrictEqual({
      stackId: STACK,
      phase: 'deleted',
      at: T0,
      failureReported: true,
    });
    const kept = await store.updateState(SESSION, (current) => {
      seen.push(current);
      return null;
    });
    expect(kept).toBeNull();
    expect(seen).toStrictEqual([null, first, marked]);
    expect(await store.stateOf(SESSION)).toStrictEqual(marked);
    expect(await store.updateState(OTHER, () => null)).toBeNull();
    expect(await store.stateOf(OTHER)).toBeNull();
    await close();
  });

  it('loses none of many concurrent updates of one session', async () => {
    const { store, close } = await open();
    await Promise.all(Array.from({ length: 20 }, () => store.updateState(SESSION, countUp)));
    expect(await store.stateOf(SESSION)).toMatchObject({ at: 20 });
    await close();
  });

  it('keeps the state as it was when an update throws', async () => {
    const { store, close } = await open();
    await put(store, SESSION, { stackId: STACK, phase: 'creating', at: T0 });
    await expect(
      store.updateState(SESSION, () => {
        throw new Error('update failed');
      }),
    ).rejects.toThrow('update failed');
    expect(await store.stateOf(SESSION)).toStrictEqual({
      stackId: STACK,
      phase: 'creating',
      at: T0,
    });
    // The store still works (a database connection was not left inside a transaction).
    expect(await store.updateState(SESSION, countUp)).toMatchObject({ at: T0 + 1 });
    await close();
  });

  it('lists the sessions followed after a given time only', async () => {
    const { store, close } = await open();
    await put(store, SESSION, {
      stackId: STACK,
      phase: 'role-created',
      at: T0,
      followUntil: T0 + 10,
    });
    await put(store, OTHER, { stackId: STACK, phase: 'creating', at: T0 });
    expect(await store.followed(T0)).toEqual([SESSION]);
    expect(await store.followed(T0 + 10)).toEqual([]);
    await close();
  });

  it('says a message id is new once, and again only after it expired', async () => {
    const { store, close } = await open();
    expect(await store.firstDelivery('m-1', T0 + 1000, T0)).toBe(true);
    expect(await store.firstDelivery('m-1', T0 + 2000, T0 + 500)).toBe(false);
    expect(await store.firstDelivery('m-2', T0 + 1000, T0 + 500)).toBe(true);
    expect(await store.firstDelivery('m-1', T0 + 5000, T0 + 1001)).toBe(true);
    expect(await store.firstDelivery('m-1', T0 + 5000, T0 + 1002)).toBe(false);
    await close();
  });

  it('says a message id is new to exactly one of many concurrent deliveries', async () => {
    const { store, close } = await open();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => store.firstDelivery('m-race', T0 + 1000, T0)),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
    await close();
  });

  it('answers like a model of the interface over any sequence of calls', async () => {
    const { store, close } = await open();
    const sessions = fc.constantFrom(SESSION, OTHER);
    const state = fc.record(
      {
        stackId: fc.constantFrom(STACK, `${STACK}-2`),
        phase: fc.constantFrom('creating', 'role-created', 'deleted'),
        at: fc.integer({ min: T0, max: T0 + 1000 }),
        failureReported: fc.boolean(),
        followUntil: fc.integer({ min: T0, max: T0 + 1000 }),
      },
      { requiredKeys: ['stackId', 'phase', 'at'], noNullPrototype: true },
    ) as fc.Arbitrary<StackEventState>;
    const operation = fc.oneof(
      fc.tuple(fc.constant('put' as const), sessions, state),
      fc.tuple(fc.constant('keep' as const), sessions),
      fc.tuple(fc.constant('deliver' as const), fc.constantFrom('a', 'b', 'c'), fc.nat(1000)),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 12 }), async (operations) => {
        // Each run uses its own ids, so runs on one store do not see each other.
        run += 1;
        const model = new Map<string, StackEventState>();
        const seen = new Map<string, number>();
        const id = (session: string) => `${session.slice(0, 24)}${String(run).padStart(12, '0')}`;
        let now = T0;
        for (const op of operations) {
          if (op[0] === 'put') {
            const before = model.get(op[1]) ?? null;
            model.set(op[1], op[2]);
            const written = await store.updateState(id(op[1]), (current) => {
              expect(current).toStrictEqual(before);
              return op[2];
            });
            expect(written).toStrictEqual(op[2]);
          } else if (op[0] === 'keep') {
            const before = model.get(op[1]) ?? null;
            const written = await store.updateState(id(op[1]), (current) => {
              expect(current).toStrictEqual(before);
              return null;
            });
            expect(written).toBeNull();
          } else {
            now += op[2];
            const messageId = `${run}-${op[1]}`;
            const expected = !((seen.get(messageId) ?? -1) >= now);
            if (expected) seen.set(messageId, now + 300);
            expect(await store.firstDelivery(messageId, now + 300, now)).toBe(expected);
          }
        }
        for (const session of [SESSION, OTHER]) {
          expect(await store.stateOf(id(session))).toStrictEqual(model.get(session) ?? null);
        }
        const followed = (await store.followed(T0 + 500)).filter((s) =>
          s.endsWith(String(run).padStart(12, '0')),
        );
        const expectedFollowed = [...model]
          .filter(([, s]) => (s.followUntil ?? 0) > T0 + 500)
          .map(([session]) => id(session));
        expect(followed.sort()).toEqual(expectedFollowed.sort());
      }),
      { numRuns: 30 },
    );
    await close();
  });
});

describe.each([
  [
    'createSqliteStackEventStore',
    async () => {
      const first = openSqlite();
      return [first, openSqlite(first.path)] as const;
    },
  ],
  [
    'createPostgresStackEventStore',
    async () => {
      const first = await openPostgres();
      return [first, await openPostgres(first.url)] as const;
    },
  ],
] as const)('%s shared by two instances', (_name, openTwo) => {
  it('shows one instance the sessions, states and message ids the other wrote', async () => {
    const [a, b] = await openTwo();
    await a.store.rememberSession({
      sessionId: SESSION,
      tenantId: 'acme',
      accountId: '012345678901',
    });
    await put(a.store, SESSION, {
      stackId: STACK,
      phase: 'deleted',
      at: T0,
      followUntil: T0 + 5,
    });
    expect(await a.store.firstDelivery('m-1', T0 + 1000, T0)).toBe(true);
    expect(await b.store.sessionOf(SESSION)).toMatchObject({ tenantId: 'acme' });
    expect(await b.store.stateOf(SESSION)).toMatchObject({ phase: 'deleted' });
    expect(await b.store.followed(T0)).toEqual([SESSION]);
    expect(await b.store.firstDelivery('m-1', T0 + 1000, T0 + 1)).toBe(false);
    await a.close();
    await b.close();
  });

  it('loses none of many updates of one session made through both at once', async () => {
    const [a, b] = await openTwo();
    // The first updates race to store the session's first state, the others to change it.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).store.updateState(SESSION, countUp),
      ),
    );
    expect(await a.store.stateOf(SESSION)).toMatchObject({ at: 20 });
    await a.close();
    await b.close();
  });
});

describe('createSqliteStackEventStore in two processes on one file', () => {
  it('loses none of the updates both processes make to one session at the same time', async () => {
    const { path, close } = openSqlite();
    await close();
    const script = fileURLToPath(new URL('./support/count-in-state.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
    const count = 500;
    const children = ['a', 'b'].map(() =>
      spawn(tsx, ['--conditions=@porter/source', script, path, SESSION, String(count)], {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const outputs = children.map((child) => {
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      return () => text;
    });
    const exits = children.map((child) => once(child, 'exit'));
    // Both start counting only once both are ready, so their updates interleave.
    await Promise.all(
      children.map(
        (child, i) =>
          new Promise<void>((resolve, reject) => {
            child.once('exit', () => reject(new Error(`counter ${i} exited before it was ready`)));
            child.stdout.on('data', () => {
              if (outputs[i]?.().includes('ready')) resolve();
            });
          }),
      ),
    );
    for (const child of children) child.stdin.end('go\n');
    expect((await Promise.all(exits)).map(([code]) => code)).toEqual([0, 0]);
    expect(outputs.map((text) => text())).toEqual(['ready\ndone\n', 'ready\ndone\n']);
    const reopened = openSqlite(path);
    expect(await reopened.store.stateOf(SESSION)).toMatchObject({ at: 2 * count });
    await reopened.close();
  }, 60_000);
});

describe('seen message ids in a database', () => {
  it('are dropped once expired (SQLite)', async () => {
    const { store, close, path } = openSqlite();
    for (let i = 0; i < 50; i += 1) await store.firstDelivery(`old-${i}`, T0 + 1000, T0);
    await store.firstDelivery('new', T0 + 5000, T0 + 2000);
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT message_id FROM stack_event_messages').pluck().all()).toEqual([
      'new',
    ]);
    db.close();
    await close();
  });

  it('are dropped once expired (PostgreSQL)', async () => {
    const { store, close, url } = await openPostgres();
    for (let i = 0; i < 50; i += 1) await store.firstDelivery(`old-${i}`, T0 + 1000, T0);
    await store.firstDelivery('new', T0 + 5000, T0 + 2000);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('SELECT message_id FROM cloud_connect_event_messages');
    await client.end();
    expect(rows).toEqual([{ message_id: 'new' }]);
    await close();
  });
});

describe('createPostgresStackEventStore updateState when the connection is lost', () => {
  it('rejects as unavailable, leaves the state as it was, and works again after', async () => {
    const { store, close, url } = await openPostgres();
    await put(store, SESSION, { stackId: STACK, phase: 'creating', at: T0 });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(
      'SELECT 1 FROM cloud_connect_event_states WHERE session_id = $1 FOR UPDATE',
      [SESSION],
    );
    const blocked = store.updateState(SESSION, countUp);
    // The update now waits for the holder's row lock, inside its transaction: end its connection.
    let pid: number | undefined;
    for (let attempt = 0; attempt < 400 && pid === undefined; attempt += 1) {
      const { rows } = await holder.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      pid = rows[0]?.pid;
      if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(pid).toBeDefined();
    // Expect the rejection before causing it: it may come before the terminate call answers.
    const rejected = expect(blocked).rejects.toBeInstanceOf(StoreUnavailableError);
    await holder.query('SELECT pg_terminate_backend($1)', [pid]);
    await rejected;
    await holder.query('ROLLBACK');
    await holder.end();
    expect(await store.stateOf(SESSION)).toMatchObject({ at: T0 });
    expect(await store.updateState(SESSION, countUp)).toMatchObject({ at: T0 + 1 });
    await close();
  });
});

describe('createSqliteStackEventStore on the sessions file', () => {
  it('shares the file with createSqliteStore, whichever opens it first', async () => {
    const path = newFile();
    const sessions = createSqliteStore(path);
    const events = createSqliteStackEventStore(path);
    await put(events, SESSION, { stackId: STACK, phase: 'creating', at: T0 });
    expect(await sessions.findBySession('acme', SESSION)).toBeNull();
    await sessions.close();
    await events.close();
    const reopened = createSqliteStackEventStore(path);
    expect(await reopened.stateOf(SESSION)).toMatchObject({ phase: 'creating' });
    await reopened.close();
  });
});
