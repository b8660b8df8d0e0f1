/**
 * The dependency rule (docs/architecture.md): core never imports a plugin or the CLI, inside
 * core the layers point one way (runtime → services → config → ports → domain), and a plugin
 * imports only core/index.ts and its own files. Checked over every source file of the repository.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findViolations, importSpecifiers, type SourceFile } from './import-rules.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Tracked and new (not ignored) files, so a file not yet committed is checked too. */
function repositorySources(): SourceFile[] {
  const listed = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', 'core', 'plugins', 'cli', 'lib'],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  );
  return listed
    .split('\n')
    .filter((file) => /\.(ts|mts|js|mjs)$/.test(file))
    .flatMap((file) => {
      try {
        return [{ path: file, source: readFileSync(`${REPO_ROOT}/${file}`, 'utf8') }];
      } catch {
        return []; // listed but deleted in the working tree
      }
    });
}

describe('the dependency rule', () => {
  it('holds for every file under core/, plugins/, lib/ and cli/', () => {
    const files = repositorySources();
    expect(files.filter((f) => f.path.startsWith('core/')).length).toBeGreaterThan(20);
    expect(files.filter((f) => f.path.startsWith('plugins/')).length).toBeGreaterThan(20);
    expect(files.some((f) => f.path === 'cli/plugin-catalogue.ts')).toBe(true);
    expect(findViolations(files)).toEqual([]);
  });
});

describe('the import rule checker', () => {
  it('reads static, type-only, re-exported, side-effect and dynamic imports, not comments', () => {
    const source = [
      "import { a } from './a.ts';",
      "import type {\n  B,\n} from '../b.ts';",
      "export * from './c.ts';",
      "export { d } from './d.ts';",
      "import './e.ts';",
      "const f = await import('./f.ts');",
      "type G = typeof import('./g.ts');",
      "// import { h } from './h.ts';",
      "/* export * from './i.ts'; */",
      "const url = 'http://example.com'; import { j } from 'j-package';",
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual([
      '../b.ts',
      './a.ts',
      './c.ts',
      './d.ts',
      './e.ts',
      './f.ts',
      './g.ts',
      'j-package',
    ]);
  });

  it('reports core importing a plugin or the CLI, and the domain importing services', () => {
    const violations = findViolations([
      { path: 'core/services/x.ts', source: "import { memoryQueue } from '../../plugins/queue-memory/index.ts';" },
      { path: 'core/runtime/y.ts', source: "const m = await import('../../cli/plugin-catalogue.ts');" },
      { path: 'core/domain/z.ts', source: "import type { TaskService } from '../services/task-service.ts';" },
      { path: 'core/ports/p.ts', source: "import type { Task } from '../domain/task.ts';" },
    ]);
    expect(violations.map((v) => v.file)).toEqual(['core/services/x.ts', 'core/runtime/y.ts', 'core/domain/z.ts']);
  });

  it('keeps the layers of core in order: runtime → services → config → ports → domain', () => {
    const violations = findViolations([
      {
        path: 'core/services/worker/worker.ts',
        source:
          "import { TOKENS } from '../../runtime/tokens.ts';\nimport { TOKENS as T } from '../../config/tokens.ts';",
      },
      {
        path: 'core/config/tokens.ts',
        source:
          "import type { TaskService } from '../services/tasks/task-service.ts';\nimport type { Clock } from '../ports/clock.ts';",
      },
      { path: 'core/ports/queue.ts', source: "import type { CoreConfig } from '../config/config-schema.ts';" },
      {
        path: 'core/runtime/app.ts',
        source: "import { Worker } from '../services/worker/worker.ts';\nimport { x } from '../index.ts';",
      },
      { path: 'core/index.ts', source: "export * from './runtime/public.ts';" },
      { path: 'core/services/x.ts', source: "import { y } from '../elsewhere/y.ts';" },
    ]);
    expect(violations).toEqual([
      {
        file: 'core/services/worker/worker.ts',
        specifier: '../../runtime/tokens.ts',
        rule: 'services import only config, ports and the domain, never the runtime',
      },
      {
        file: 'core/config/tokens.ts',
        specifier: '../services/tasks/task-service.ts',
        rule: 'core/config imports only ports and the domain',
      },
      { file: 'core/ports/queue.ts', specifier: '../config/config-schema.ts', rule: 'ports import only the domain' },
      { file: 'core/runtime/app.ts', specifier: '../index.ts', rule: 'the runtime does not import core/index.ts' },
      {
        file: 'core/services/x.ts',
        specifier: '../elsewhere/y.ts',
        rule: 'every file of core sits in one of core/domain, core/ports, core/config, core/services, core/runtime',
      },
    ]);
  });

  it('reports a plugin importing another plugin or core internals, not its own files or core/index.ts', () => {
    const violations = findViolations([
      {
        path: 'plugins/a/index.ts',
        source:
          "import { b } from '../b/index.ts';\nimport { c } from './c.ts';\nimport { definePlugin } from '../../core/index.ts';",
      },
      {
        path: 'plugins/a/routes/r.ts',
        source: "import { TOKENS } from '../../../core/runtime/tokens.ts';\nimport { s } from '../shared.ts';",
      },
      { path: 'plugins/a/d.ts', source: "import { catalogue } from '../../cli/plugin-catalogue.ts';" },
    ]);
    expect(violations).toEqual([
      { file: 'plugins/a/index.ts', specifier: '../b/index.ts', rule: 'a plugin never imports another plugin' },
      {
        file: 'plugins/a/routes/r.ts',
        specifier: '../../../core/runtime/tokens.ts',
        rule: 'a plugin imports core only through core/index.ts',
      },
      {
        file: 'plugins/a/d.ts',
        specifier: '../../cli/plugin-catalogue.ts',
        rule: 'a plugin imports only core/index.ts, lib/ and its own files',
      },
    ]);
  });

  it('lets plugins share a library under lib/, which imports only core/index.ts and itself', () => {
    const violations = findViolations([
      { path: 'plugins/a/q.ts', source: "import { chunk } from '../../lib/sql/chunks.ts';" },
      {
        path: 'lib/sql/rows.ts',
        source: "import { x } from './chunks.ts';\nimport { definePlugin } from '../../core/index.ts';",
      },
      { path: 'lib/sql/bad.ts', source: "import { b } from '../../plugins/b/index.ts';" },
      { path: 'lib/sql/worse.ts', source: "import { T } from '../../core/runtime/tokens.ts';" },
      { path: 'lib/sql/other.ts', source: "import { o } from '../other/o.ts';" },
    ]);
    expect(violations.map((v) => [v.file, v.rule])).toEqual([
      ['lib/sql/bad.ts', 'a shared library imports only core/index.ts and its own files'],
      ['lib/sql/worse.ts', 'a shared library imports only core/index.ts and its own files'],
      ['lib/sql/other.ts', 'a shared library imports only core/index.ts and its own files'],
    ]);
  });

  it('exempts tests and their helpers', () => {
    expect(
      findViolations([
        { path: 'plugins/a/a.test.ts', source: "import { b } from '../b/index.ts';" },
        { path: 'core/services/s.test.ts', source: "import { m } from '../../plugins/queue-memory/index.ts';" },
      ]),
    ).toEqual([]);
  });
});
