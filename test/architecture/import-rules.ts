/**
 * The dependency rule of docs/architecture.md as code: which file may import which. Pure
 * functions over (path, source) pairs, so the rule itself is tested on made-up trees too.
 */
import path from 'node:path';

export interface SourceFile {
  /** Repository-relative, with forward slashes: `plugins/http-api/app.ts`. */
  path: string;
  source: string;
}

export interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

/** Line and block comments out, so an example in a comment is not read as an import. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const IMPORT_PATTERNS = [
  // import x from '…', import type { X } from '…', export { x } from '…', export * from '…'
  /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
  // import '…' (side effects)
  /\bimport\s*['"]([^'"]+)['"]/g,
  // import('…'), typeof import('…')
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** Every module specifier a TypeScript file names, static and dynamic, type-only included. */
export function importSpecifiers(source: string): string[] {
  const text = withoutComments(source);
  const found = new Set<string>();
  for (const pattern of IMPORT_PATTERNS) for (const match of text.matchAll(pattern)) found.add(match[1]!);
  return [...found];
}

/** Tests, their helpers and examples may reach anywhere. */
export function isExempt(file: string): boolean {
  return (
    /\.test\.ts$/.test(file) ||
    file.split('/').some((part) => part === 'test' || part === 'tests' || part === 'fixtures')
  );
}

/**
 * The layers of core, bottom first: a file imports only its own layer and those below it
 * (runtime → services → config → ports → domain). `core/index.ts`, the public surface, sits
 * on top of them all.
 */
const CORE_LAYERS = ['domain', 'ports', 'config', 'services', 'runtime'] as const;

/** The layer index of a file under core/, CORE_LAYERS.length for core/index.ts, undefined for anything else. */
function coreLayer(file: string): number | undefined {
  if (file === 'core/index.ts') return CORE_LAYERS.length;
  const [top, folder] = file.split('/');
  if (top !== 'core' || folder === undefined) return undefined;
  const index = (CORE_LAYERS as readonly string[]).indexOf(folder);
  return index === -1 ? undefined : index;
}

const LAYER_RULES: Record<(typeof CORE_LAYERS)[number], string> = {
  domain: 'the domain imports nothing outside itself',
  ports: 'ports import only the domain',
  config: 'core/config imports only ports and the domain',
  services: 'services import only config, ports and the domain, never the runtime',
  runtime: 'the runtime does not import core/index.ts',
};

/** `plugins/<name>/…` → `<name>`. */
function pluginOf(file: string): string | undefined {
  const [top, name] = file.split('/');
  return top === 'plugins' && name !== undefined ? name : undefined;
}

/**
 * `lib/<name>/…`: code shared by several plugins of one kind (lib/sql-storage: what the MySQL
 * and PostgreSQL storages have in common). Not a plugin: it provides no port and exports no
 * factory. Plugins may import it; it imports only core/index.ts and its own library, so
 * sharing code never becomes a back door from one plugin into another.
 */
function libraryOf(file: string): string | undefined {
  const [top, name] = file.split('/');
  return top === 'lib' && name !== undefined ? name : undefined;
}

/** A relative specifier resolved against its file; undefined for packages and node: modules. */
function resolveRelative(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
}

function checkFile(file: SourceFile): Violation[] {
  const violations: Violation[] = [];
  const plugin = pluginOf(file.path);
  const library = libraryOf(file.path);
  for (const specifier of importSpecifiers(file.source)) {
    const target = resolveRelative(file.path, specifier);
    if (target === undefined) continue;
    const report = (rule: string) => violations.push({ file: file.path, specifier, rule });
    if (file.path.startsWith('core/')) {
      if (!target.startsWith('core/')) {
        report('core imports only core');
        continue;
      }
      const from = coreLayer(file.path);
      const to = coreLayer(target);
      if (from === undefined || from === CORE_LAYERS.length) continue;
      if (to === undefined) report(`every file of core sits in one of core/${CORE_LAYERS.join(', core/')}`);
      else if (to > from) report(LAYER_RULES[CORE_LAYERS[from]!]);
    } else if (plugin !== undefined) {
      const own = `plugins/${plugin}/`;
      if (target.startsWith(own)) continue;
      if (target === 'core/index.ts') continue;
      if (libraryOf(target) !== undefined) continue;
      if (target.startsWith('core/')) report('a plugin imports core only through core/index.ts');
      else if (pluginOf(target) !== undefined) report('a plugin never imports another plugin');
      else report('a plugin imports only core/index.ts, lib/ and its own files');
    } else if (library !== undefined) {
      if (target.startsWith(`lib/${library}/`) || target === 'core/index.ts') continue;
      report('a shared library imports only core/index.ts and its own files');
    }
  }
  return violations;
}

/** The violations among `files` (exempt files are skipped). */
export function findViolations(files: readonly SourceFile[]): Violation[] {
  return files.filter((file) => !isExempt(file.path)).flatMap(checkFile);
}
