import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the CI scripts, without type declarations
import { parsers } from './test-counts.mjs';

type Counts = { passed: number; failed: number; skipped: number };
const parse = parsers as Record<'check' | 'vitest' | 'unittest' | 'gotest', (text: string) => Counts>;

describe('CI test counts', () => {
  it('reads unittest summaries, counting errors and a failed module setup as failures', () => {
    expect(parse.unittest('a ... ok\nb ... ok\n\nRan 2 tests in 0.1s\n\nOK\n')).toEqual({
      passed: 2,
      failed: 0,
      skipped: 0,
    });
    expect(parse.unittest('Ran 5 tests in 1.0s\n\nFAILED (failures=1, errors=1, skipped=1)\n')).toEqual({
      passed: 2,
      failed: 2,
      skipped: 1,
    });
    expect(
      parse.unittest('ERROR: setUpModule (tests.test_client)\nRan 0 tests in 0.0s\n\nFAILED (errors=1)\n'),
    ).toEqual({ passed: 0, failed: 1, skipped: 0 });
    expect(parse.unittest('Ran 3 tests in 0.1s\n\nOK (skipped=1)\n')).toEqual({ passed: 2, failed: 0, skipped: 1 });
    expect(() => parse.unittest('Traceback (most recent call last):\n')).toThrow(/no unittest summary/);
  });

  it('reads go test -json, leaving subtests to their test and counting a failed package once', () => {
    const events = (lines: object[]) => lines.map((line) => JSON.stringify(line)).join('\n');
    expect(
      parse.gotest(
        events([
          { Action: 'run', Test: 'TestA' },
          { Action: 'pass', Test: 'TestA' },
          { Action: 'pass', Test: 'TestB/sub' },
          { Action: 'fail', Test: 'TestB' },
          { Action: 'skip', Test: 'TestC' },
          { Action: 'fail' },
        ]),
      ),
    ).toEqual({ passed: 1, failed: 1, skipped: 1 });
    // TestMain could not start the server: no test ran, the package failed.
    expect(
      parse.gotest(
        events([
          { Action: 'output', Output: 'node not found\n' },
          { Action: 'fail', Package: 'x' },
        ]),
      ),
    ).toEqual({ passed: 0, failed: 1, skipped: 0 });
  });

  it('reads the vitest JSON report, counting a file that failed to load', () => {
    const report = {
      numPassedTests: 7,
      numFailedTests: 1,
      numPendingTests: 2,
      numTodoTests: 0,
      testResults: [{ status: 'failed', assertionResults: [] }],
    };
    expect(parse.vitest(JSON.stringify(report))).toEqual({ passed: 7, failed: 2, skipped: 2 });
  });
  it('counts a whole-run check (the linter) as no test: its exit code decides (count-tests.mjs)', () => {
    expect(parse.check('Checked 490 files in 541ms. No fixes applied.')).toEqual({ passed: 0, failed: 0, skipped: 0 });
  });
});
