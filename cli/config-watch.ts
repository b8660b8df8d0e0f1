import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedConfig, Logger, TaskManager } from '../core/index.ts';

/** Editors write a file in several steps; one reload after the last of them. */
const SETTLE_MS = 200;

/**
 * Reloads the config file into the running app: on SIGHUP always, and on every change of the
 * file while `app.watchConfig` is on. The directory is watched rather than the file, because
 * many editors save by writing a new file and renaming it over the old one.
 */
export class ConfigWatcher {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastDigest: string | undefined;
  private readonly onHangup = () => void this.reload('SIGHUP');

  constructor(
    private readonly app: TaskManager,
    private readonly filepath: string,
    private readonly load: () => Promise<LoadedConfig>,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.lastDigest = await this.digest();
    process.on('SIGHUP', this.onHangup);
    this.follow();
  }

  stop(): void {
    process.off('SIGHUP', this.onHangup);
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Watches while `app.watchConfig` is on; a reload can turn it on or off. */
  private follow(): void {
    const wanted = this.app.config.app.watchConfig;
    if (wanted && !this.watcher) {
      const file = path.basename(this.filepath);
      this.watcher = watch(path.dirname(this.filepath), (_event, name) => {
        if (name !== null && name.toString() !== file) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.reload('file change'), SETTLE_MS);
      });
      this.watcher.on('error', (error) =>
        this.logger.warn({ err: error }, 'watching the config file failed; SIGHUP still reloads it'),
      );
      this.logger.info({ file: this.filepath }, 'watching the config file for changes');
    } else if (!wanted && this.watcher) {
      this.watcher.close();
      this.watcher = undefined;
      this.logger.info({ file: this.filepath }, 'stopped watching the config file');
    }
  }

  private async reload(trigger: 'SIGHUP' | 'file change'): Promise<void> {
    const digest = await this.digest();
    // A save that changed nothing (or a second event for the same save) is no reload.
    if (trigger === 'file change' && digest === this.lastDigest) return;
    this.lastDigest = digest;
    this.logger.info({ file: this.filepath, trigger }, 'reloading the config file');
    try {
      const { config } = await this.load();
      await this.app.reloadConfig(config, this.filepath);
    } catch (error) {
      this.app.rejectConfig(error, this.filepath);
    }
    this.follow();
  }

  private async digest(): Promise<string | undefined> {
    try {
      return createHash('sha256')
        .update(await readFile(this.filepath))
        .digest('hex');
    } catch {
      return undefined; // mid-rename: the next event reads it
    }
  }
}
