/**
 * The `taskmanager` command line: which commands exist, and how one run turns into an exit
 * status (0 done, 1 error, 2 usage, 3 and 4 from `tasks wait`; docs/operations.md).
 */
import { cac, type CAC } from 'cac';
import { createRequire } from 'node:module';
import { joinCommandWords, rawOptionValues } from './argv.ts';
import { registerCompletionCommand } from './completion.ts';
import { registerClusterCommands } from './operator/cluster-commands.ts';
import { DEFAULT_URL, serverUrl, type ConnectionFlags } from './operator/connection.ts';
import { describeError } from './operator/describe-error.ts';
import { EXIT, UsageError } from './operator/exit-codes.ts';
import { registerTaskCommands } from './operator/tasks-commands.ts';
import { registerServerCommands } from './server-commands.ts';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
const GENERAL_USAGE = 'taskmanager <command> [options]   (taskmanager --help lists the commands)';

export function buildCli(): CAC {
  const cli = cac('taskmanager');
  registerServerCommands(cli);
  registerTaskCommands(cli);
  registerClusterCommands(cli);
  registerCompletionCommand(cli);
  cli.help();
  cli.version(version);
  return cli;
}

/** Every option flag that takes a value (`--url`), across all commands. */
function valueFlags(cli: CAC): Set<string> {
  const options = [...cli.globalCommand.options, ...cli.commands.flatMap((c) => c.options)];
  return new Set(options.filter((o) => !o.isBoolean).flatMap((o) => o.rawName.match(/--[\w-]+/g) ?? []));
}

/** The matched command's value options as written: the parser reads `007` as the number 7. */
function keepValuesAsWritten(cli: CAC, args: readonly string[]): void {
  for (const option of cli.matchedCommand?.options ?? []) {
    if (option.isBoolean) continue;
    const flags = option.rawName.match(/--[\w-]+/g) ?? [];
    const written = [...rawOptionValues(args, flags).values()].at(-1);
    if (written !== undefined) cli.options[option.name] = written;
  }
}

/** The server named in messages; a bad --url is reported by the command itself. */
function describedUrl(flags: ConnectionFlags): string {
  try {
    return serverUrl(flags);
  } catch {
    return DEFAULT_URL;
  }
}

function unknownCommand(cli: CAC, args: readonly string[]): UsageError {
  const words = args.filter((arg) => !arg.startsWith('-'));
  // A group of two-word commands (`tasks create`, `tasks get`, …) named without a known action.
  const actions = cli.commands.filter((c) => c.name.startsWith(`${words[0]} `)).map((c) => c.name.split(' ')[1]);
  if (actions.length > 0) {
    const action = words[1] === undefined ? 'an action' : `an action, not "${words[1]}"`;
    return new UsageError(
      `"${words[0]}" needs ${action}: one of ${actions.join(', ')}`,
      `taskmanager ${words[0]} <action> [options]`,
    );
  }
  return new UsageError(`unknown command "${words[0]}"`, GENERAL_USAGE);
}

/** Runs one command line; resolves with the exit status, or undefined while a server runs on. */
export async function run(cli: CAC, argv: readonly string[]): Promise<number | undefined> {
  const args = joinCommandWords(
    argv,
    cli.commands.map((c) => c.name),
    valueFlags(cli),
  );
  let url = DEFAULT_URL;
  try {
    cli.parse(['node', 'taskmanager', ...args], { run: false });
    if (cli.options.help || cli.options.version) return EXIT.OK;
    if (!cli.matchedCommand) {
      if (args.every((arg) => arg.startsWith('-'))) {
        cli.outputHelp();
        return args.length === 0 ? EXIT.OK : EXIT.USAGE;
      }
      throw unknownCommand(cli, args);
    }
    keepValuesAsWritten(cli, args);
    url = describedUrl(cli.options as ConnectionFlags);
    const outcome: unknown = await cli.runMatchedCommand();
    if (cli.matchedCommandName === 'start') return undefined;
    return typeof outcome === 'number' ? outcome : EXIT.OK;
  } catch (error) {
    const report = describeError(error, url);
    process.stderr.write(`taskmanager: ${report.message}\n`);
    if (report.exitCode === EXIT.USAGE) {
      const usage =
        report.usage ?? (cli.matchedCommand ? `taskmanager ${cli.matchedCommand.rawName} [options]` : GENERAL_USAGE);
      process.stderr.write(`usage: ${usage}\n`);
    }
    return report.exitCode;
  }
}
