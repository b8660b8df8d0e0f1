/**
 * `taskmanager start` and `taskmanager migrate`: run the task manager from a config file. The
 * core and the plugins are imported when one of these runs, so the operator commands start
 * without loading them.
 */
import type { CAC } from 'cac';

interface CommonOptions {
  config?: string;
}

async function load(options: CommonOptions, fresh = false) {
  const [{ loadConfig }, { resolveBuiltInPlugin }] = await Promise.all([
    import('../core/index.ts'),
    import('./plugin-catalogue.ts'),
  ]);
  return loadConfig({ path: options.config ?? process.env.TM_CONFIG, resolvePlugin: resolveBuiltInPlugin, fresh });
}

async function start(options: CommonOptions): Promise<void> {
  const [{ createTaskManager, createLogger, resolveConfig }, { printBanner }, { ConfigWatcher }] = await Promise.all([
    import('../core/index.ts'),
    import('./banner.ts'),
    import('./config-watch.ts'),
  ]);
  const { config, filepath } = await load(options);
  const resolved = resolveConfig(config);
  const logger = createLogger({ name: resolved.app.name, level: resolved.app.logLevel });
  const app = await createTaskManager(config, { logger });
  await app.start();
  printBanner(app, filepath);
  // SIGHUP re-reads the same file; app.watchConfig also follows its changes.
  const watcher = new ConfigWatcher(app, filepath, () => load({ ...options, config: filepath }, true), logger);
  await watcher.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping gracefully');
    watcher.stop();
    try {
      await app.stop();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'stop failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function migrate(options: CommonOptions): Promise<void> {
  const { migratePlugins, createLogger } = await import('../core/index.ts');
  const { config } = await load(options);
  const migrated = await migratePlugins(config, { logger: createLogger({ level: 'warn' }) });
  if (migrated.length === 0) console.log('no plugin in this config keeps durable state to migrate (memory storage?)');
  for (const name of migrated) console.log(`migrated: ${name}`);
}

export function registerServerCommands(cli: CAC): void {
  cli
    .command('start', 'Run the task manager (roles from TM_ROLES: api, scheduler, worker)')
    .option('--config <path>', 'config file')
    .action(start);
  cli
    .command('migrate', 'Create or update the database schema of the configured storage')
    .option('--config <path>', 'config file')
    .action(migrate);
}
