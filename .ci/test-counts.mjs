// How each test runner's report turns into per-test counts (used by .ci/count-tests.mjs).
// To add a runner, add a parser: (report text) → { passed, failed, skipped }; throw when the
// report does not say (the caller counts that as a failure).

export const parsers = {
  /**
   * A check that passes or fails as a whole (the formatter and linter): its report is its
   * output, and it counts no test; run with its exit code (check:FILE:EXIT), a failure counts
   * as one failed test.
   */
  check() {
    return { passed: 0, failed: 0, skipped: 0 };
  },
  /** vitest --reporter=json */
  vitest(text) {
    const report = JSON.parse(text);
    let failed = report.numFailedTests || 0;
    // A file that fails to load has no tests in the counts; count it so it cannot hide.
    failed += (report.testResults || []).filter(
      (file) => file.status === 'failed' && file.assertionResults.length === 0,
    ).length;
    return {
      passed: report.numPassedTests || 0,
      failed,
      skipped: (report.numPendingTests || 0) + (report.numTodoTests || 0),
    };
  },
  /** python -m unittest -v: its closing "Ran N tests" and "OK (…)" / "FAILED (…)" lines. */
  unittest(text) {
    const ran = /^Ran (\d+) tests? in /m.exec(text);
    const verdict = /^(OK|FAILED)(?: \(([^)]*)\))?\s*$/m.exec(text);
    if (!ran || !verdict) throw new Error('no unittest summary');
    const counts = Object.fromEntries(
      (verdict[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((part) => {
          const [key, value] = part.trim().split('=');
          return [key, Number(value)];
        }),
    );
    const failed = (counts.failures ?? 0) + (counts.errors ?? 0) + (counts.unexpected_successes ?? 0);
    const skipped = counts.skipped ?? 0;
    const passed = Number(ran[1]) - failed - skipped;
    // A module-level setup error runs no test but fails the run.
    return { passed: Math.max(0, passed), failed: verdict[1] === 'FAILED' && failed === 0 ? 1 : failed, skipped };
  },
  /** go test -json: one pass/fail/skip event per test; a failed package with no failed test counts once. */
  gotest(text) {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    let packageFailed = false;
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line);
      if (!event.Test) {
        if (event.Action === 'fail') packageFailed = true;
        continue;
      }
      if (event.Test.includes('/')) continue; // subtests roll up into their test
      if (event.Action === 'pass') counts.passed++;
      else if (event.Action === 'fail') counts.failed++;
      else if (event.Action === 'skip') counts.skipped++;
    }
    if (packageFailed && counts.failed === 0) counts.failed = 1;
    if (counts.passed + counts.failed + counts.skipped === 0) throw new Error('no go test events');
    return counts;
  },
};
