// Adds up every package's Vitest JSON reports into one closing line that CI can read:
// "Tests: N passed, N failed, N skipped". Exits non-zero when a report is missing or failed.
// Arguments name the report files to read in each package (default: test-results.json), e.g.
// `node scripts/test-summary.mjs test-results.json test-results-node22.json`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const reports = process.argv.length > 2 ? process.argv.slice(2) : ['test-results.json'];
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
    for (const name of reports) {
      const report = join(dir, name);
      // A browser-only suite (cloudConnectTests.nodeMatrix: false) runs on the main Node only.
      if (name !== reports[0] && manifest.cloudConnectTests?.nodeMatrix === false) continue;
      if (!existsSync(report)) {
        missing.push(report);
        continue;
      }
      const result = JSON.parse(readFileSync(report, 'utf8'));
      passed += result.numPassedTests;
      failed += result.numFailedTests;
      skipped += result.numPendingTests + result.numTodoTests;
    }
  }
}
for (const report of missing) console.error(`No test report ${report}.`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || missing.length > 0 || passed === 0) process.exit(1);
