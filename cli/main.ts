import 'reflect-metadata';
import { cac } from 'cac';
import { pino } from 'pino';
import { createTaskManager, loadConfig, migratePlugins, resolveConfig } from '../core/index.ts';
import { printBanner } from './banner.ts';
import { ConfigWatcher } from './config-watch.ts';
import { resolveBuiltInPlugin } from './plugin-catalogue.ts';

interface CommonOptions {
  config?: string;
}

async function load(options: CommonOptions, fresh = false) {
  return loadConfig({ path: options.config ?? process.env.TM_CONFIG, resolvePlugin: resolveBuiltInPlugin, fresh });
}

async function start(options: CommonOptions): Promise<void> {
  const { config, filepath } = await load(options);
  const resolved = resolveConfig(config);
  const logger = pino({ name: resolved.app.name, level: resolved.app.logLevel });
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
  const { config } = await load(options);
  const migrated = await migratePlugins(config, { logger: pino({ level: 'warn' }) });
  if (migrated.length === 0) console.log('no plugin in this config keeps durable state to migrate (memory storage?)');
  for (const name of migrated) console.log(`migrated: ${name}`);
}

const cli = cac('taskmanager');
cli.command('start', 'Run the task manager (roles from TM_ROLES: api, scheduler, worker)').option('--config <path>', 'config file').action(start);
cli.command('migrate', 'Create or update the database schema of the configured storage').option('--config <path>', 'config file').action(migrate);
cli.help();

try {
  cli.parse(process.argv, { run: false });
  if (!cli.matchedCommand) {
    cli.outputHelp();
    process.exit(process.argv.length > 2 ? 1 : 0);
  }
  await cli.runMatchedCommand();
} catch (error) {
  console.error(`taskmanager: ${(error as Error).message}`);
  process.exit(1);
}
