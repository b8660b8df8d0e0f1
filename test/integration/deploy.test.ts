/**
 * deploy/: the Grafana dashboard and the Prometheus alerting rules read only metrics a live
 * server exports (the distributed config on MySQL + Redis, scraped over HTTP), their PromQL
 * passes promtool, the rules pass their unit tests, and docker-compose.yml names real config
 * keys, real commands and real files.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveBuiltInPlugin } from '../../cli/plugin-catalogue.ts';
import { createTaskManager, loadConfig, type TaskManager } from '../../core/index.ts';
import { readEnvOverrides } from '../../core/runtime/env-overrides.ts';
import { setupPlugins } from '../../core/runtime/plugin-setup.ts';
import type { PrometheusMetricsPlugin } from '../../plugins/metrics-prometheus/index.ts';
import { runMigrations } from '../../plugins/storage-mysql/index.ts';
import { DISTRIBUTED_CONFIG, REPO_ROOT } from '../e2e/support/node-process.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { exportedNames, metricNamesIn } from '../helpers/promql.ts';
import { REDIS_URL, mysqlAvailability, redisAvailability, uniqueSuffix } from '../helpers/services.ts';

const run = promisify(execFile);
const DEPLOY = path.join(REPO_ROOT, 'deploy');
const promtool = await run('promtool', ['--version']).then(
  () => true,
  () => false,
);
if (!promtool && process.env.CI === 'true')
  throw new Error('promtool is not installed (Debian package "prometheus"), and CI=true requires it');
const mysql = await mysqlAvailability();
const redis = await redisAvailability();

interface Panel {
  title?: string;
  type: string;
  id: number;
  targets?: { expr: string; refId: string }[];
  panels?: Panel[];
}

const dashboard = JSON.parse(readFileSync(path.join(DEPLOY, 'grafana-dashboard.json'), 'utf8')) as {
  title: string;
  uid: string;
  panels: Panel[];
  templating: { list: { name: string }[] };
};
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
/** Grafana's interval variables, as Grafana fills them in. */
const asPromql = (expr: string) =>
  expr.replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '1m').replaceAll('$__range', '1h');
const dashboardQueries = panels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ panel: p.title ?? String(p.id), expr: asPromql(t.expr) })),
);

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
}
const alertRules = (
  parse(readFileSync(path.join(DEPLOY, 'prometheus-alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);

describe('the PromQL metric-name reader used below', () => {
  it('finds metric names and skips functions, labels, durations and numbers', () => {
    expect(
      metricNamesIn('histogram_quantile(0.95, sum by (le, task_type) (rate(task_duration_seconds_bucket{a="b"}[5m])))'),
    ).toEqual(['task_duration_seconds_bucket']);
    expect(
      metricNamesIn('sum(rate(x_total{status=~"FAILED|TIMEOUT"}[1m])) / clamp_min(sum(rate(y_total[1m])), 1e-9)'),
    ).toEqual(['x_total', 'y_total']);
    expect(metricNamesIn('(sum(scheduler_is_leader) or vector(0)) < 1 and sum(up) >= 1')).toEqual([
      'scheduler_is_leader',
      'up',
    ]);
  });
});

describe('deploy/grafana-dashboard.json and deploy/prometheus-alerts.yml', () => {
  it('the dashboard is importable: title, uid, a datasource variable, unique panel ids, rows for each area', () => {
    expect(dashboard).toMatchObject({ title: 'async-task-manager', uid: 'async-task-manager' });
    expect(dashboard.templating.list.map((v) => v.name)).toContain('datasource');
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual([
      'Overview',
      'Tasks',
      'Workers',
      'Scheduler',
      'Storage and dependencies',
    ]);
    expect(dashboardQueries.length).toBeGreaterThan(30);
    for (const panel of panels.filter((p) => p.type !== 'row'))
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
  });

  it.skipIf(!promtool)('promtool check rules passes, and the rules pass their unit tests', async () => {
    const checked = await run('promtool', ['check', 'rules', 'prometheus-alerts.yml'], { cwd: DEPLOY });
    expect(checked.stdout).toMatch(/SUCCESS: \d+ rules found/);
    const tested = await run('promtool', ['test', 'rules', 'prometheus-alerts.test.yml'], { cwd: DEPLOY });
    expect(tested.stdout).toContain('SUCCESS');
    expect(alertRules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'TaskQueueBacklog',
        'TaskFailureRateHigh',
        'SchedulerNoLeader',
        'NoHealthyWorkers',
        'WorkerHeartbeatStale',
        'DependencyErrors',
      ]),
    );
  });

  it.skipIf(!promtool)('every dashboard query is valid PromQL (promtool parses each as a recording rule)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tm-dashboard-'));
    try {
      const rules = dashboardQueries
        .map((q, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(q.expr)}`)
        .join('\n');
      await writeFile(path.join(dir, 'dashboard-rules.yml'), `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
      const { stdout } = await run('promtool', ['check', 'rules', 'dashboard-rules.yml'], { cwd: dir });
      expect(stdout).toContain(`SUCCESS: ${dashboardQueries.length} rules found`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe.skipIf(!mysql.available || !redis.available)('against the metrics a live server exports', () => {
    let db: TestDatabase;
    let app: TaskManager;
    let exported: Set<string>;

    beforeAll(async () => {
      db = await createTestDatabase('deploy');
      await runMigrations(db.url);
      const env = {
        TM_MYSQL_URL: db.url,
        TM_REDIS_URL: REDIS_URL,
        TM_REDIS_PREFIX: `${uniqueSuffix('deploy')}:`,
        TM_PORT: '0',
        TM_GRPC_PORT: '0',
        TM_METRICS_PORT: '0',
        TM_APP_LOG_LEVEL: 'silent',
      };
      const { config } = await loadConfig({ path: DISTRIBUTED_CONFIG, resolvePlugin: resolveBuiltInPlugin });
      app = await createTaskManager(config, { env, logger: pino({ level: 'silent' }) });
      await app.start();
      const metrics = app.plugins.find((p) => p.name === 'metrics-prometheus') as PrometheusMetricsPlugin;
      const text = await (await fetch(`http://127.0.0.1:${metrics.listeningPort()}/metrics`)).text();
      exported = exportedNames(text);
    }, 60_000);

    afterAll(async () => {
      await app?.stop();
      await db?.drop();
    });

    it('every metric a dashboard query reads is exported', () => {
      const missing = dashboardQueries.flatMap((q) =>
        metricNamesIn(q.expr)
          .filter((name) => !exported.has(name))
          .map((name) => `${q.panel}: ${name}`),
      );
      expect(missing).toEqual([]);
      // The stable names of docs/design.md#metrics are there.
      for (const name of [
        'task_created_total',
        'task_duration_seconds_bucket',
        'task_failed_total',
        'worker_load',
        'queue_length',
        'scheduler_is_leader',
      ]) {
        expect(exported.has(name), name).toBe(true);
      }
    });

    it("every metric an alerting rule reads is exported (or is Prometheus's own `up`)", () => {
      const missing = alertRules.flatMap((r) =>
        metricNamesIn(r.expr)
          .filter((name) => name !== 'up' && !exported.has(name))
          .map((name) => `${r.alert}: ${name}`),
      );
      expect(missing).toEqual([]);
    });
  });
});

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, unknown> | string[];
}

describe('deploy/docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(DEPLOY, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const services = compose.services;
  const ours = Object.entries(services).filter(([, s]) => s.build !== undefined);
  /** `${NAME:-default}` as compose fills it in when NAME is unset. */
  const substitute = (value: string) => String(value).replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');

  it('runs MySQL 8, Redis 7, one API and two scheduler+worker processes, Prometheus and Grafana', () => {
    expect(services.mysql!.image).toMatch(/^mysql:8/);
    expect(services.redis!.image).toMatch(/^redis:7/);
    const roles = ours.map(([, s]) => s.environment?.TM_ROLES).filter(Boolean);
    expect(roles.sort()).toEqual(['api', 'scheduler,worker', 'scheduler,worker']);
    expect(services.prometheus!.image).toMatch(/^prom\/prometheus/);
    expect(services.grafana!.image).toMatch(/^grafana\/grafana/);
  });

  it('builds from a Dockerfile that exists, and every command names the real CLI and a real config file', () => {
    for (const [name, service] of ours) {
      const dockerfile = path.resolve(DEPLOY, service.build!.context, service.build!.dockerfile);
      expect(existsSync(dockerfile), `${name}: ${dockerfile}`).toBe(true);
      const [node, bin, command, flag, config] = service.command ?? [];
      expect(node, name).toBe('node');
      expect(existsSync(path.join(REPO_ROOT, bin!)), `${name}: ${bin}`).toBe(true);
      expect(['start', 'migrate'], name).toContain(command);
      expect(flag, name).toBe('--config');
      expect(existsSync(path.join(REPO_ROOT, config!)), `${name}: ${config}`).toBe(true);
    }
    const dockerfile = readFileSync(path.join(DEPLOY, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toContain('bin/taskmanager.mjs');
  });

  it('every TM_* variable it sets is a config key the real env-override code resolves, with a valid value', async () => {
    for (const [name, service] of ours) {
      const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, substitute(v)]));
      const config = service.command![4]!;
      const { config: input } = await loadConfig({
        path: path.join(REPO_ROOT, config),
        resolvePlugin: resolveBuiltInPlugin,
      });
      // The whole config with this environment: schema, environment overrides and every plugin's section.
      const setup = await setupPlugins(input, { env, logger: pino({ level: 'silent' }) }, []);
      for (const variable of Object.keys(env).filter((k) => k.startsWith('TM_'))) {
        if (variable === 'TM_ROLES') {
          expect(setup.config.roles.join(','), `${name}: ${variable}`).toBe(env.TM_ROLES);
          continue;
        }
        // What this variable alone sets, as the app reads the environment.
        const [section, keys] = Object.entries(readEnvOverrides({ [variable]: env[variable]! }))[0] ?? [];
        expect(section, `${name}: ${variable} is not read as a config key`).toBeDefined();
        const key = Object.keys(keys!)[0]!;
        const resolved = ['app', 'scheduler', 'worker'].includes(section!)
          ? (setup.config[section as 'app'] as Record<string, unknown>)
          : ([...setup.sectionsRead.values()].find((read) => read.section === section)?.value as
              | Record<string, unknown>
              | undefined);
        expect(resolved, `${name}: no plugin reads the "${section}" section of ${variable}`).toBeDefined();
        expect(
          Object.keys(resolved!),
          `${name}: ${variable} → ${section}.${key} is not a key of that section`,
        ).toContain(key);
      }
    }
  });

  it('mounts files that exist, and Prometheus scrapes the services by their names and ports', () => {
    for (const service of [services.prometheus!, services.grafana!]) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (!source!.startsWith('.')) continue; // a named volume
        expect(existsSync(path.resolve(DEPLOY, source!)), volume).toBe(true);
      }
    }
    const prometheus = parse(readFileSync(path.join(DEPLOY, 'prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = prometheus.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    for (const target of targets) {
      const [host, port] = target.split(':');
      const service = services[host!];
      expect(service, target).toBeDefined();
      const env = service!.environment ?? {};
      const served = env.TM_ROLES?.includes('api') ? (env.TM_PORT ?? '8080') : env.TM_METRICS_PORT;
      expect(port, `${target}: the port ${host} serves /metrics on`).toBe(served);
    }
    expect(prometheus.scrape_configs[0]!.job_name).toBe('async-task-manager'); // the job TaskManagerTargetDown watches
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/prometheus-alerts.yml']);
  });
});
