// Turns schemathesis' JSON run reports into the few figures the fuzz run is judged by.
import { readFile } from 'node:fs/promises';

async function readReport(path) {
  return readFile(path, 'utf8').then((text) => JSON.parse(text), () => undefined);
}

function describeRun({ name, code }, report) {
  if (!report) return [`${name}: no report (schemathesis exited with ${code})`];
  const { operations, test_cases: cases, failures, errors, warnings } = report;
  const lines = [
    `${name}: ${operations.tested}/${operations.selected} operations, ${cases.generated} cases, ` +
      `${cases.unique_failures} unique failures, ${errors.length} errors, ${report.running_time.toFixed(0)} s (exit ${code})`,
  ];
  for (const failure of failures) lines.push(`  failure: ${JSON.stringify(failure).slice(0, 300)}`);
  for (const error of errors) lines.push(`  error: ${JSON.stringify(error).slice(0, 300)}`);
  for (const [kind, operationsWarned] of Object.entries(warnings ?? {})) {
    if (Array.isArray(operationsWarned) && operationsWarned.length > 0) lines.push(`  warning ${kind}: ${operationsWarned.join(', ')}`);
  }
  return lines;
}

/** One block of text: per API, operations tested, cases generated, failures, errors and warnings. */
export async function summarise(runs) {
  const lines = ['', '=== fuzz summary ==='];
  for (const run of runs) lines.push(...describeRun(run, await readReport(run.reportPath)));
  const passed = runs.length === 2 && runs.every((run) => run.code === 0);
  lines.push(passed ? 'PASS: no 5xx, every answer documented and conforming.' : 'FAIL: see the failures above.');
  return lines.join('\n');
}
