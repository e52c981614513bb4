// Run in a separate process by the SQLite concurrency test: inserts sessions into a shared file.
// Usage: tsx write-sessions.ts <db path> <writer name> <count>
import { randomUUID } from 'node:crypto';
import { createSqliteStore } from '../../src/stores/sqlite-store';

const [path, writer, countText] = process.argv.slice(2);
if (!path || !writer || !countText)
  throw new Error('usage: write-sessions <path> <writer> <count>');
const store = createSqliteStore(path);
const externalIds: Record<string, string> = {};
for (let i = 0; i < Number(countText); i += 1) {
  // Half the accounts are shared by both writers (same tenant + account), half are this writer's own.
  const shared = i % 2 === 0;
  const tenantId = `tenant-${i % 7}`;
  const accountId = String(shared ? i : 500_000 + i * 2 + (writer === 'a' ? 0 : 1)).padStart(
    12,
    '0',
  );
  const now = new Date().toISOString();
  const { record } = await store.insertIfAbsent({
    tenantId,
    sessionId: randomUUID(),
    accountId,
    externalId: `cc-${writer}-${i}`,
    region: 'us-east-1',
    stackName: 'PorterRole',
    roleName: 'porter-manager',
    createdAt: now,
    status: 'pending',
    updatedAt: now,
  });
  externalIds[`${tenantId}/${accountId}`] = record.externalId;
}
await store.close();
process.stdout.write(JSON.stringify(externalIds));
