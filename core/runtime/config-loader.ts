import { pathToFileURL } from 'node:url';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import { tsImport } from 'tsx/esm/api';
import type { TaskManagerConfigInput } from './app-config.ts';
import type { Plugin } from './plugin.ts';
import { ConfigError } from './resolve-config.ts';

/** A plugin named in a JSON/YAML config: `'storage-memory'` or `{ name, options }`. */
export interface PluginReference {
  name: string;
  options?: Record<string, unknown>;
}

export type PluginResolver = (reference: PluginReference) => Plugin | Promise<Plugin>;

export interface LoadConfigOptions {
  /** An explicit file; otherwise searched from `cwd` upwards. */
  path?: string;
  cwd?: string;
  /** Resolves named plugins (the CLI passes the built-in catalogue). */
  resolvePlugin?: PluginResolver;
  /**
   * Read the file again even if this process imported it before (a config reload): a TS/JS
   * config is imported under a new URL, so the module cache cannot hand back the old one.
   * What the file imports (core, plugins) is shared as before.
   */
  fresh?: boolean;
}

export interface LoadedConfig {
  config: TaskManagerConfigInput;
  filepath: string;
}

export const SEARCH_PLACES = [
  'taskmanager.config.ts',
  'taskmanager.config.mts',
  'taskmanager.config.js',
  'taskmanager.config.mjs',
  'taskmanager.config.json',
  'taskmanager.config.yaml',
  'taskmanager.config.yml',
  '.taskmanagerrc',
  '.taskmanagerrc.json',
  '.taskmanagerrc.yaml',
  '.taskmanagerrc.yml',
];

/**
 * TypeScript configs are imported as modules, through tsx when plain Node cannot: cosmiconfig's
 * own `.ts` loader needs the TypeScript compiler API, which the native compiler (typescript 7)
 * no longer has.
 */
let reloads = 0;

const importModule =
  (fresh: boolean): Loader =>
  async (filepath) => {
    const url = pathToFileURL(filepath).href + (fresh ? `?reload=${++reloads}` : '');
    let module: { default?: unknown };
    try {
      // Under the CLI (tsx registered) or vitest, a plain import shares this process's module
      // graph, so `core` is one copy and `instanceof` holds across the config and the app.
      module = (await import(url)) as { default?: unknown };
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
      module = (await tsImport(url, import.meta.url)) as { default?: unknown };
    }
    // Through the CommonJS interop a default export can arrive wrapped once more.
    while (module && typeof module === 'object' && 'default' in module && module.default !== undefined) {
      module = module.default as { default?: unknown };
    }
    return module;
  };

/** Finds and reads the config file; named plugins are resolved into plugin objects. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const load = importModule(options.fresh ?? false);
  const explorer = cosmiconfig('taskmanager', {
    searchPlaces: SEARCH_PLACES,
    loaders: { '.ts': load, '.mts': load, '.js': load, '.mjs': load },
    // A new explorer per call, so its own cache never answers a reload either.
    cache: false,
    searchStrategy: 'none',
  });
  const result = options.path ? await explorer.load(options.path) : await explorer.search(options.cwd ?? process.cwd());
  if (!result || result.isEmpty) {
    throw new ConfigError(
      options.path
        ? `config file ${options.path} is empty`
        : `no taskmanager.config.ts (or .js/.json/.yaml/.taskmanagerrc) found in ${options.cwd ?? process.cwd()}`,
    );
  }
  const raw = result.config as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null) throw new ConfigError(`${result.filepath} must export a config object`);
  const plugins = Array.isArray(raw.plugins) ? await resolvePlugins(raw.plugins, options.resolvePlugin) : raw.plugins;
  return { config: { ...raw, plugins } as TaskManagerConfigInput, filepath: result.filepath };
}

async function resolvePlugins(entries: unknown[], resolver: PluginResolver | undefined): Promise<unknown[]> {
  return Promise.all(
    entries.map(async (entry, index) => {
      const reference = toReference(entry);
      if (!reference) return entry; // already a plugin object (TS/JS configs)
      if (!resolver)
        throw new ConfigError(
          `Invalid config at plugins.${index}: named plugin "${reference.name}" needs a plugin catalogue`,
        );
      return resolver(reference);
    }),
  );
}

function toReference(entry: unknown): PluginReference | undefined {
  if (typeof entry === 'string') return { name: entry };
  if (typeof entry !== 'object' || entry === null) return undefined;
  const candidate = entry as Record<string, unknown>;
  const isPluginObject = ['setup', 'start', 'stop', 'provides'].some((key) => key in candidate);
  if (isPluginObject || typeof candidate.name !== 'string') return undefined;
  return { name: candidate.name, options: (candidate.options as Record<string, unknown> | undefined) ?? {} };
}
