// Run in a separate process by the SQLite stack event store test: adds 1 to a session's state
// `count` times through updateState, starting when the parent writes a line to stdin (so two
// processes run at the same time rather than one after the other's start-up).
// Usage: tsx count-in-state.ts <db path> <session id> <count>
import { once } from 'node:events';
import { createSqliteStackEventStore } from '../../src/stack-events/sqlite-stack-event-store';
import { countUp } from './state-counter';

const [path, sessionId, countText] = process.argv.slice(2);
if (!path || !sessionId || !countText) {
  throw new Error('usage: count-in-state <path> <session id> <count>');
}
const store = createSqliteStackEventStore(path);
process.stdout.write('ready\n');
await once(process.stdin, 'data');
process.stdin.pause();
for (let i = 0; i < Number(countText); i += 1) await store.updateState(sessionId, countUp);
await store.close();
process.stdout.write('done\n');
