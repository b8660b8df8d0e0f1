#!/usr/bin/env node
// Sums the per-test counts of every runner into the closing line
// `tests: N passed, M failed[, K skipped]`, with one line per suite before it.
//
//   node .ci/count-tests.mjs check:FILE:EXIT vitest:FILE[:EXIT] unittest:FILE gotest:FILE …
//
// A report that is missing or unreadable counts as one failure, so a suite that never ran
// cannot hide; so does a runner that exited non-zero (EXIT) with no failed test in its report. To add a runner, add a parser in test-counts.mjs.
import { existsSync, readFileSync } from 'node:fs';
import { parsers } from './test-counts.mjs';

const total = { passed: 0, failed: 0, skipped: 0 };
for (const argument of process.argv.slice(2)) {
  const [kind = '', file = '', exit = '0'] = argument.split(':');
  const parse = parsers[kind];
  if (!parse) throw new Error(`unknown report kind "${kind}" (known: ${Object.keys(parsers).join(', ')})`);
  let counts;
  try {
    if (!existsSync(file)) throw new Error('report missing');
    counts = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.log(`${kind}: ${file}: ${error.message}; counted as 1 failed`);
    counts = { passed: 0, failed: 1, skipped: 0 };
  }
  if (exit !== '0' && counts.failed === 0) {
    console.log(`${kind}: the runner exited ${exit} with no failed test in its report; counted as 1 failed`);
    counts.failed = 1;
  }
  console.log(`${kind}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  for (const key of Object.keys(total)) total[key] += counts[key];
}
console.log(
  `tests: ${total.passed} passed, ${total.failed} failed` + (total.skipped ? `, ${total.skipped} skipped` : ''),
);
process.exit(total.failed > 0 ? 1 : 0);
