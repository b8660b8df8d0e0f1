/**
 * Two things cac (the command-line parser) does not do, done on the raw arguments:
 * commands of two words (`tasks create`), and option values that look like numbers kept as
 * written (`--idempotency-key 007` is "007", not 7).
 */

/** The first positional argument at or after `from`, skipping options and their values. */
function nextPositional(args: readonly string[], from: number, valueFlags: ReadonlySet<string>): number {
  for (let i = from; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return -1;
    if (!arg.startsWith('-') || arg === '-') return i;
    if (!arg.includes('=') && valueFlags.has(arg)) i++;
  }
  return -1;
}

/**
 * Joins a command group and its action into the one word cac matches on: `tasks --json get id`
 * becomes `tasks get` `--json` `id`. Arguments without a known group and action are returned
 * as they are, for the caller to report.
 *
 * @param args the arguments after the program name
 * @param commandNames every command name, e.g. `tasks create`
 * @param valueFlags options that take a value (`--url`), so their value is not read as a word
 */
export function joinCommandWords(
  args: readonly string[],
  commandNames: readonly string[],
  valueFlags: ReadonlySet<string>,
): string[] {
  const first = nextPositional(args, 0, valueFlags);
  if (first === -1) return [...args];
  const second = nextPositional(args, first + 1, valueFlags);
  if (second === -1) return [...args];
  const joined = `${args[first]} ${args[second]}`;
  if (!commandNames.includes(joined)) return [...args];
  return [...args.slice(0, first), joined, ...args.slice(first + 1, second), ...args.slice(second + 1)];
}

/**
 * The values of `flags` exactly as written (`--flag value` or `--flag=value`), the last one
 * when given twice. A flag followed by another option, or by nothing, has no value here.
 */
export function rawOptionValues(args: readonly string[], flags: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    if (!flags.includes(name)) continue;
    if (equals !== -1) values.set(name, arg.slice(equals + 1));
    else if (i + 1 < args.length && !args[i + 1]!.startsWith('-')) values.set(name, args[++i]!);
  }
  return values;
}
