// Adds up every package's Vitest JSON report into one closing line that CI can read:
// "Tests: N passed, N failed, N skipped". Exits non-zero when a report is missing or failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', 'apps'].filter((dir) => existsSync(dir));
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const root of roots) {
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (!manifest.scripts?.test) continue;
    const report = join(dir, 'test-results.json');
    if (!existsSync(report)) {
      missing.push(dir);
      continue;
    }
    const result = JSON.parse(readFileSync(report, 'utf8'));
    passed += result.numPassedTests;
    failed += result.numFailedTests;
    skipped += result.numPendingTests + result.numTodoTests;
  }
}
for (const dir of missing) console.error(`No test report from ${dir}.`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || missing.length > 0 || passed === 0) process.exit(1);
