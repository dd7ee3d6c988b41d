#!/usr/bin/env node
// Runs jest (args passed through), then prints one closing line "N passed, N failed" that CI reads.
// JEST_RESULTS names the results file (default test-reports/jest-results.json; `test:long` has its own).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const out = process.env.JEST_RESULTS || path.join('test-reports', 'jest-results.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.rmSync(out, { force: true });
const jest = require.resolve('jest/bin/jest');
const args = [jest, '--ci', '--json', `--outputFile=${out}`, ...process.argv.slice(2)];
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
let passed = 0;
let failed = 0;
if (fs.existsSync(out)) {
  const res = JSON.parse(fs.readFileSync(out, 'utf8'));
  passed = res.numPassedTests;
  failed = res.numFailedTests + res.numRuntimeErrorTestSuites;
} else {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(r.status === 0 && failed === 0 ? 0 : 1);
