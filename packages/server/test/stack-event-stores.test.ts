// The StackEventStore contract, run alike on the memory, SQLite and PostgreSQL stores, and what
// the database ones add: state shared between instances (a second store on the same database),
// and seen message ids that stay bounded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { createSqliteStore } from '../src/stores/sqlite-store';
import { createDatabase } from './support/postgres-server';

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
    await store.putState(SESSION, full);
    expect(await store.stateOf(SESSION)).toStrictEqual(full);
    const bare: StackEventState = { stackId: STACK, phase: 'creating', at: T0 + 1 };
    await store.putState(SESSION, bare);
    expect(await store.stateOf(SESSION)).toStrictEqual(bare);
    expect(await store.stateOf(OTHER)).toBeNull();
    await close();
  });

  it('lists the sessions followed after a given time only', async () => {
    const { store, close } = await open();
    await store.putState(SESSION, {
      stackId: STACK,
      phase: 'role-created',
      at: T0,
      followUntil: T0 + 10,
    });
    await store.putState(OTHER, { stackId: STACK, phase: 'creating', at: T0 });
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
            model.set(op[1], op[2]);
            await store.putState(id(op[1]), op[2]);
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
    await a.store.putState(SESSION, {
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

describe('createSqliteStackEventStore on the sessions file', () => {
  it('shares the file with createSqliteStore, whichever opens it first', async () => {
    const path = newFile();
    const sessions = createSqliteStore(path);
    const events = createSqliteStackEventStore(path);
    await events.putState(SESSION, { stackId: STACK, phase: 'creating', at: T0 });
    expect(await sessions.findBySession('acme', SESSION)).toBeNull();
    await sessions.close();
    await events.close();
    const reopened = createSqliteStackEventStore(path);
    expect(await reopened.stateOf(SESSION)).toMatchObject({ phase: 'creating' });
    await reopened.close();
  });
});
