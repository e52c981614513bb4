// What one Cloud Connect actor costs next to a bare 3-state XState machine, measured in the
// same run: heap per live actor, and the time to create, start, type 12 digits and submit.
// Prints medians over many rounds and the ratios the performance targets are about.
// Run: pnpm --filter @porter/cloud-connect bench:actors [actorsPerRound] [rounds]
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type AnyActorRef, assign, createActor, setup } from 'xstate';
import type { ConnectBackend, ConnectSession } from '../src/backend';
import { createCloudConnect } from '../src/machine/create-cloud-connect';

const ACTORS = Number(process.argv[2] ?? 2000);
const ROUNDS = Number(process.argv[3] ?? 15);
const DIGITS = '123456789012';
const TARGETS = { memory: 2, time: 3 };

// The heap figures need a full collection before each reading.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The baseline: three states, an assigned field, one submit. */
const bareMachine = setup({
  types: {} as {
    context: { value: string };
    events: { type: 'CHANGE'; value: string } | { type: 'SUBMIT' };
  },
}).createMachine({
  context: { value: '' },
  initial: 'editing',
  states: {
    editing: {
      on: {
        CHANGE: { actions: assign({ value: ({ event }) => event.value }) },
        SUBMIT: 'submitting',
      },
    },
    submitting: { on: { CHANGE: 'editing' } },
    done: {},
  },
});

// The session request never answers: every actor stays live, waiting, as behind a slow server.
const pending = new Promise<ConnectSession>(() => {});
const backend: ConnectBackend = {
  createSession: () => pending,
  checkConnection: () => new Promise(() => {}),
  listBlockers: async () => [],
  checkRevocation: async () => ({ status: 'revoked' }),
};

interface Subject {
  name: string;
  /** Creates, starts, types 12 digits one by one and submits. */
  run(): AnyActorRef;
}

const subjects: Subject[] = [
  {
    name: 'bare 3-state machine',
    run() {
      const actor = createActor(bareMachine).start();
      for (let i = 1; i <= DIGITS.length; i++)
        actor.send({ type: 'CHANGE', value: DIGITS.slice(0, i) });
      actor.send({ type: 'SUBMIT' });
      return actor;
    },
  },
  {
    name: 'createCloudConnect',
    run() {
      const actor = createCloudConnect({ backend }).start();
      for (let i = 1; i <= DIGITS.length; i++) {
        actor.send({ type: 'ACCOUNT_ID.CHANGE', value: DIGITS.slice(0, i) });
      }
      actor.send({ type: 'ACCOUNT_ID.SUBMIT' });
      return actor;
    },
  },
];

interface Reading {
  bytesPerActor: number;
  microsPerActor: number;
}

function measure(subject: Subject): Reading {
  gc();
  const before = process.memoryUsage().heapUsed;
  const live: AnyActorRef[] = new Array(ACTORS);
  // CPU time, not wall time: other processes on the machine do not count against either subject.
  const started = process.cpuUsage();
  for (let i = 0; i < ACTORS; i++) live[i] = subject.run();
  const { user, system } = process.cpuUsage(started);
  gc();
  const after = process.memoryUsage().heapUsed;
  const reading = {
    bytesPerActor: (after - before) / ACTORS,
    microsPerActor: (user + system) / ACTORS,
  };
  for (const actor of live) actor.stop();
  return reading;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

// One warm-up round each, so the JIT has compiled both paths before anything is counted.
for (const subject of subjects) measure(subject);
const readings = new Map<string, Reading[]>(subjects.map((s) => [s.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order, so neither subject always runs on a heap the other just grew.
  const order = round % 2 ? [...subjects].reverse() : subjects;
  for (const subject of order) readings.get(subject.name)?.push(measure(subject));
}

const summary = subjects.map((subject) => {
  const rounds = readings.get(subject.name) ?? [];
  return {
    name: subject.name,
    kib: median(rounds.map((r) => r.bytesPerActor)) / 1024,
    micros: median(rounds.map((r) => r.microsPerActor)),
  };
});
const [bare, cloudConnect] = summary as [(typeof summary)[0], (typeof summary)[0]];

console.log(
  `Actor cost: ${ACTORS} live actors per round, median of ${ROUNDS} rounds (Node ${process.version})`,
);
console.log('create + start + 12 ACCOUNT_ID.CHANGE + submit; every actor kept alive');
console.log('');
console.log(`${'subject'.padEnd(24)} ${'heap/actor'.padStart(11)} ${'time/actor'.padStart(11)}`);
for (const s of summary) {
  console.log(
    `${s.name.padEnd(24)} ${`${s.kib.toFixed(2)} KiB`.padStart(11)} ${`${s.micros.toFixed(1)} us`.padStart(11)}`,
  );
}
const memoryRatio = cloudConnect.kib / bare.kib;
const timeRatio = cloudConnect.micros / bare.micros;
const verdict = (ratio: number, target: number) =>
  `${ratio.toFixed(2)}x (target <= ${target}x: ${ratio <= target ? 'met' : 'missed'})`;
console.log('');
console.log(`memory per live actor vs bare: ${verdict(memoryRatio, TARGETS.memory)}`);
console.log(`time per flow vs bare:         ${verdict(timeRatio, TARGETS.time)}`);
