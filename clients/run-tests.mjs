#!/usr/bin/env node
// Runs the Python and Go client suites (`npm run test:clients`); each starts its own server.
// A language whose toolchain is missing is skipped with the reason, except under CI=true,
// where that is a failure. The TypeScript client's tests run with `npm test` (vitest).
//
//   node clients/run-tests.mjs [--report-dir DIR]
//
// With --report-dir, each runner's raw output is kept for .ci/count-tests.mjs:
// python-unittest.log (unittest -v) and go-test.jsonl (go test -json).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const clientsDir = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const reportDir = args.includes('--report-dir')
  ? path.resolve(args[args.indexOf('--report-dir') + 1] ?? '.')
  : undefined;
const strict = process.env.CI === 'true';

const suites = [
  {
    name: 'python',
    cwd: path.join(clientsDir, 'python'),
    report: 'python-unittest.log',
    missing() {
      const probe = spawnSync(
        'python3',
        ['-c', 'import sys; print("%d.%d" % sys.version_info[:2]); sys.exit(0 if sys.version_info >= (3, 9) else 1)'],
        { encoding: 'utf8' },
      );
      if (probe.error) return 'python3 not found';
      return probe.status === 0 ? undefined : `python3 is ${probe.stdout.trim()}, the client needs 3.9 or later`;
    },
    command: ['python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.', '-v']],
  },
  {
    name: 'go',
    cwd: path.join(clientsDir, 'go'),
    report: 'go-test.jsonl',
    missing: () =>
      spawnSync('go', ['version']).error ? 'go not found (Debian: apt-get install golang-go)' : undefined,
    command: ['go', ['test', '-count=1', '-json', './...']],
    // go test -json is for machines; people get one line per test.
    humanize(line) {
      try {
        const event = JSON.parse(line);
        if (event.Test && ['pass', 'fail', 'skip'].includes(event.Action))
          return `--- ${event.Action.toUpperCase()}: ${event.Test} (${event.Elapsed}s)\n`;
        if (!event.Test && event.Action === 'output') return event.Output;
        if (event.Test && event.Action === 'output' && !/^(=== RUN|--- (PASS|FAIL|SKIP)|\s*$)/.test(event.Output))
          return event.Output;
        return '';
      } catch {
        return `${line}\n`;
      }
    },
  },
];

function run(suite) {
  return new Promise((resolve) => {
    const [command, commandArgs] = suite.command;
    const child = spawn(command, commandArgs, { cwd: suite.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const file = reportDir ? createWriteStream(path.join(reportDir, suite.report)) : undefined;
    let pending = '';
    const show = (chunk) => {
      file?.write(chunk);
      if (!suite.humanize) return process.stdout.write(chunk);
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(suite.humanize(line));
    };
    child.stdout.on('data', show);
    child.stderr.on('data', show);
    child.on('close', (code) => {
      if (pending && suite.humanize) process.stdout.write(suite.humanize(pending));
      file?.end(() => resolve(code ?? 1));
      if (!file) resolve(code ?? 1);
    });
    child.on('error', (error) => {
      process.stdout.write(`${suite.name}: ${error.message}\n`);
      resolve(1);
    });
  });
}

if (reportDir) mkdirSync(reportDir, { recursive: true });
let failed = false;
for (const suite of suites) {
  const reason = suite.missing();
  if (reason) {
    console.log(`\n${suite.name} client tests ${strict ? 'cannot run' : 'skipped'}: ${reason}`);
    failed ||= strict;
    continue;
  }
  console.log(`\n${suite.name} client tests (${suite.command[0]} ${suite.command[1].join(' ')})`);
  const code = await run(suite);
  console.log(`${suite.name} client tests ${code === 0 ? 'passed' : `failed (exit ${code})`}`);
  failed ||= code !== 0;
}
process.exit(failed ? 1 : 0);
