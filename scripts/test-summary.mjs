// Adds up the vitest JSON reports of every package and prints "N passed, N failed".
// A package with a test script but no report counts as one failure: its tests never ran.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const group of ['packages', 'apps']) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const dir = join(group, name);
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest) || !JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test)
      continue;
    const report = join(dir, 'test-results.json');
    if (!existsSync(report)) {
      console.error(`${dir}: no test report (${report}); counting it as a failure`);
      failed += 1;
      continue;
    }
    const results = JSON.parse(readFileSync(report, 'utf8'));
    passed += results.numPassedTests;
    failed += results.numFailedTests;
    skipped += results.numPendingTests + results.numTodoTests;
    if (
      results.numTotalTests === 0 ||
      (results.success === false && results.numFailedTests === 0)
    ) {
      console.error(
        `${dir}: the test run failed before its tests could run; counting it as a failure`,
      );
      failed += 1;
    }
  }
}
if (skipped > 0) console.error(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
