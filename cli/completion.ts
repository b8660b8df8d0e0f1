/**
 * `taskmanager completion bash|zsh`: a completion script written from the commands and options
 * the CLI has, so it never lags behind them. zsh runs the bash function through bashcompinit.
 */
import type { CAC } from 'cac';
import { UsageError } from './operator/exit-codes.ts';

export const SHELLS = ['bash', 'zsh'] as const;

const VALUE_HINTS: Record<string, string> = {
  '--status': 'PENDING PROCESSING SUCCESS FAILED TIMEOUT CANCELLED',
  '--priority': '0 1',
};

/** Option flags of a command, `--help` included. */
function flagsOf(cli: CAC, name: string): { all: string[]; taking: string[] } {
  const command = cli.commands.find((c) => c.name === name);
  // --version answers only without a command.
  const options = [...(command?.options ?? []), ...cli.globalCommand.options.filter((o) => o.name !== 'version')];
  const all = options.flatMap((o) => o.rawName.match(/--[\w-]+/g) ?? []);
  const taking = options.filter((o) => !o.isBoolean).flatMap((o) => o.rawName.match(/--[\w-]+/g) ?? []);
  return { all: [...new Set(all)], taking: [...new Set(taking)] };
}

function bashScript(cli: CAC): string {
  const names = cli.commands.map((c) => c.name).filter((name) => name !== '');
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const [first, second] = name.split(' ');
    groups.set(first!, [...(groups.get(first!) ?? []), ...(second ? [second] : [])]);
  }
  const taking = [...new Set(names.flatMap((name) => flagsOf(cli, name).taking))].join('|');
  const quote = (text: string) => JSON.stringify(text);
  const positional = [
    `    '') words=${quote([...groups.keys()].join(' '))} ;;`,
    ...[...groups]
      .filter(([, actions]) => actions.length > 0)
      .map(([group, actions]) => `    ${group}) words=${quote(actions.join(' '))} ;;`),
    `    completion) words=${quote(SHELLS.join(' '))} ;;`,
  ];
  // Longest names first, so "tasks create" is tried before a shorter name it starts with.
  const byLength = [...names].sort((a, b) => b.length - a.length);
  const flags = byLength.map(
    (name) => `      ${quote(`${name} `)}*) words=${quote(flagsOf(cli, name).all.join(' '))} ;;`,
  );
  const hints = Object.entries(VALUE_HINTS).map(
    ([flag, values]) => `    ${flag}) COMPREPLY=($(compgen -W ${quote(values)} -- "$cur")); return ;;`,
  );
  return `# taskmanager completion for bash: source <(taskmanager completion bash)
_taskmanager() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} command= skip= word words= i
  # The command words typed so far, without options and their values.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if [[ -n $skip ]]; then skip=; continue; fi
    case $word in
      ${taking}) skip=1 ;;
      -*) ;;
      *) command=\${command:+$command }$word ;;
    esac
  done
  case $prev in
${hints.join('\n')}
    --config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    ${taking}) COMPREPLY=(); return ;;
  esac
  if [[ $cur == -* ]]; then
    case "$command " in
${flags.join('\n')}
      *) words="--help --version" ;;
    esac
  else
    # Arguments (task ids, task types) are free text: only command words are offered.
    case $command in
${positional.join('\n')}
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _taskmanager taskmanager
`;
}

export function completionScript(cli: CAC, shell: string): string {
  if (shell === 'bash') return bashScript(cli);
  if (shell === 'zsh') {
    return `#compdef taskmanager
# taskmanager completion for zsh: source <(taskmanager completion zsh)
(( $+functions[compdef] )) || { autoload -U +X compinit && compinit; }
autoload -U +X bashcompinit && bashcompinit
${bashScript(cli)}`;
  }
  throw new UsageError(`unknown shell "${shell}": one of ${SHELLS.join(', ')}`, 'taskmanager completion <bash|zsh>');
}

export function registerCompletionCommand(cli: CAC): void {
  cli
    .command('completion <shell>', `Print a shell completion script (${SHELLS.join(', ')})`)
    .example('  $ source <(taskmanager completion bash)   # in ~/.bashrc')
    .action((shell: string) => {
      process.stdout.write(completionScript(cli, shell));
    });
}
