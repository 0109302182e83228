import type { Argument, Command, Option } from 'commander';

/**
 * What a shell needs to complete `flotilla`, read from the commander program
 * itself so the scripts cannot drift from the commands. What a value is comes
 * from the definitions too: an argument named `mission` (or an option
 * `<mission>`) is a mission file or name, `<file>`/`[file]`/`<files...>` a
 * file, `<dir>` a directory, and an argument described as `a | b | c` (or
 * with commander choices) one of those words.
 */
export interface CompletionSpec {
  name: string;
  options: OptionSpec[];
  commands: CommandSpec[];
}

export interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  /** Positional arguments in order; a variadic one is last and repeats. */
  args: ValueSpec[];
}

export interface OptionSpec {
  /** `-h`, `--help`: every spelling. */
  flags: string[];
  description: string;
  /** Undefined for an option without a value. */
  value?: ValueSpec;
}

export type ValueKind = 'mission' | 'file' | 'dir' | 'words' | 'any';

export interface ValueSpec {
  kind: ValueKind;
  /** With kind 'words'. */
  words?: string[];
  variadic?: boolean;
}

/** $FLOTILLA_HOME as src/core/paths.ts finds it, in bash and zsh; mission state is under missions/<socket>/<name>. */
export const SH_FLOTILLA_HOME = '${FLOTILLA_HOME:-${XDG_STATE_HOME:-$HOME/.local/state}/flotilla}';

export function completionSpec(program: Command): CompletionSpec {
  const help = program.createHelp();
  return {
    name: program.name(),
    options: help.visibleOptions(program).map(optionSpec),
    commands: help.visibleCommands(program).map((cmd) => ({
      name: cmd.name(),
      description: cmd.description() || cmd.summary(),
      options: help.visibleOptions(cmd).map(optionSpec),
      args: cmd.name() === 'help' ? [{ kind: 'words', words: help.visibleCommands(program).map((c) => c.name()) }] : cmd.registeredArguments.map(argSpec),
    })),
  };
}

function optionSpec(opt: Option): OptionSpec {
  const flags = [opt.short, opt.long].filter((f): f is string => Boolean(f));
  if (!opt.required && !opt.optional) return { flags, description: opt.description };
  const placeholder = /[<[]([\w-]+)(\.\.\.)?[>\]]/.exec(opt.flags)?.[1] ?? '';
  return { flags, description: opt.description, value: opt.argChoices ? { kind: 'words', words: opt.argChoices } : { kind: kindOf(placeholder) } };
}

function argSpec(arg: Argument): ValueSpec {
  const variadic = arg.variadic || undefined;
  const words = arg.argChoices ?? wordsIn(arg.description);
  if (words) return { kind: 'words', words, variadic };
  return { kind: kindOf(arg.name()), variadic };
}

function kindOf(name: string): ValueKind {
  if (name === 'mission') return 'mission';
  if (name === 'file' || name === 'files') return 'file';
  if (name === 'dir') return 'dir';
  return 'any';
}

/** `tabs | grid | toggle` -> the three words; anything else is prose. */
function wordsIn(description: string): string[] | undefined {
  return /^[\w-]+( \| [\w-]+)+$/.test(description) ? description.split(' | ') : undefined;
}
