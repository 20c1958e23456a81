// Prints the line CI reads, exactly `N passed, N failed`, from Vitest's JSON report, last; skipped
// tests (e.g. the Swagger UI screenshot without a Chromium) are counted on the line before it.
// A run that produced no report (a crash before any test) counts as one failure, never as green.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

function finish(line, code, before = '') {
  if (before) console.log(before);
  console.log(line);
  writeFileSync('.data/test-summary.txt', `${before ? `${before}\n` : ''}${line}\n`);
  process.exit(code);
}

const [file, exitCode = '0'] = process.argv.slice(2);
if (!file || !existsSync(file)) {
  finish('0 passed, 1 failed', 1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const passed = report.numPassedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A file that failed to load has no failed test of its own: count it so the line cannot say 0.
const failedSuites = (report.testResults ?? []).filter(
  (r) => r.status === 'failed' && (r.assertionResults ?? []).every((a) => a.status !== 'failed'),
).length;
const failed = (report.numFailedTests ?? 0) + failedSuites;
const vitestFailed = Number(exitCode) !== 0 && failed === 0 ? 1 : 0;
const failedTotal = failed + vitestFailed;
finish(
  `${passed} passed, ${failedTotal} failed`,
  failedTotal > 0 ? 1 : 0,
  skipped ? `${skipped} skipped (not counted as passed)` : '',
);
