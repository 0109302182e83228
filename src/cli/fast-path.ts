/**
 * The commands agents run many times a minute (`done`, `fail`, `note`,
 * `heartbeat`, `hook`) and `status`, which scripts poll, skip commander: this
 * reads exactly the arguments they take and runs the same command module the
 * full CLI would, with the same arguments. Anything it does not recognise
 * (help, an unknown option, a missing value, `--`) is left to commander, so
 * every error reads as it always has. The table must agree with main.ts's
 * definitions; test/unit/cli-fast-path.test.ts compares the two.
 */
export type Loader = () => Promise<{ run: (...args: any[]) => Promise<number | void> }>;

export interface FastCommand {
  load: Loader;
  /** Long options that take a value, each with the key commander stores it under. */
  values: Record<string, string>;
  /** Long options without a value. */
  flags?: Record<string, string>;
  /** Option values commander fills in when the option is not given. */
  defaults?: Record<string, string>;
  /** Options commander refuses to run without (`requiredOption`). */
  required?: string[];
  /** How many positional arguments; `variadic` ones reach `run` as one array (`<text...>`). */
  args: { min: number; max: number; variadic?: boolean };
}

const socket = { '--socket': 'socket' };

export const FAST_COMMANDS: Record<string, FastCommand> = {
  done: { load: () => import('./commands/done.js'), values: { '--summary': 'summary', ...socket }, args: { min: 0, max: 0 } },
  fail: { load: () => import('./commands/fail.js'), values: { '--reason': 'reason', ...socket }, required: ['reason'], args: { min: 0, max: 0 } },
  note: { load: () => import('./commands/note.js'), values: socket, args: { min: 1, max: Infinity, variadic: true } },
  heartbeat: {
    load: () => import('./commands/heartbeat.js'),
    values: { '--state': 'state', '--source': 'source', ...socket },
    defaults: { source: 'cli' },
    args: { min: 0, max: 0 },
  },
  hook: { load: () => import('./commands/hook.js'), values: socket, args: { min: 1, max: 1 } },
  status: { load: () => import('./commands/status.js'), values: socket, flags: { '--json': 'json' }, args: { min: 0, max: 1 } },
};

export interface FastCall {
  command: FastCommand;
  /** What commander would pass to the command's `run`: the positional arguments, then the options. */
  args: unknown[];
}

/** `args` without node and the script (`process.argv.slice(2)`); undefined when commander should read them. */
export function parseFast(args: readonly string[]): FastCall | undefined {
  const [name, ...rest] = args;
  const command = name !== undefined && Object.hasOwn(FAST_COMMANDS, name) ? FAST_COMMANDS[name] : undefined;
  if (!command) return undefined;
  const opts: Record<string, unknown> = { ...command.defaults };
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!looksLikeOption(arg)) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 2 ? arg.slice(0, eq) : arg;
    const valueKey = Object.hasOwn(command.values, flag) ? command.values[flag] : undefined;
    const flagKey = eq < 0 && command.flags && Object.hasOwn(command.flags, arg) ? command.flags[arg] : undefined;
    if (valueKey !== undefined) {
      const value = eq > 2 ? arg.slice(eq + 1) : rest[++i];
      // A value that looks like an option may be one of the program's own (`--version`): commander decides.
      if (value === undefined || (eq <= 2 && looksLikeOption(value))) return undefined;
      opts[valueKey] = value;
    } else if (flagKey !== undefined) {
      opts[flagKey] = true;
    } else {
      return undefined;
    }
  }
  if (positionals.length < command.args.min || positionals.length > command.args.max) return undefined;
  if (command.required?.some((key) => opts[key] === undefined)) return undefined;
  if (command.args.variadic) return { command, args: [positionals, opts] };
  const padded = Array.from({ length: command.args.max }, (_, i) => positionals[i]);
  return { command, args: [...padded, opts] };
}

/** As commander tells an option from an argument. */
function looksLikeOption(arg: string): boolean {
  return arg.length > 1 && arg.startsWith('-');
}
