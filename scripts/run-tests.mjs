#!/usr/bin/env node
// Builds, runs the whole vitest suite, and ends with the one line CI reads, `N passed, N failed`,
// derived from vitest's JSON report (skipped tests, when any, are counted on the line before).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const report = '.vitest-report.json';
rmSync(report, { force: true });

// The whole build: tsc, then the bundle bin/lacpscope.js runs (and the end-to-end tests with it).
const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit' });

let passed = 0, failed = 0, skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  // Failed tests, plus files that failed without a failing test (an error while loading them).
  const brokenFiles = json.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed')).length;
  failed = json.numFailedTests + brokenFiles;
  skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
} catch {
  failed = Math.max(failed, 1);
}
if (passed + failed === 0) failed = 1; // a run that tested nothing is a failure
if (skipped) console.log(`${skipped} skipped (each test's title says what it needs)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
