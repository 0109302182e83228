import type { Command } from 'commander';
import type { Loader } from './fast-path.js';
import { HELP_GROUPS, addExamples } from './help-text.js';

/**
 * The command layer: parse arguments, lazily load the one command module that
 * runs, map the outcome to an exit code. The commands agents call many times
 * a minute do not come here: entry.ts runs them without commander.
 */
type Commander = typeof import('commander');

const socketOption = ({ Option }: Commander) =>
  new Option('--socket <name>', 'private tmux server (tmux -L NAME); default $FLOTILLA_TMUX_SOCKET or your default server');

/** `up` and `run` start agents: the same two options for Claude's trust and the checks made first. */
const startOptions = (cmd: Command) =>
  cmd
    .option('--trust', 'record in Claude Code\'s config that you trust this repository and its worktrees')
    .option('--no-preflight', 'skip the checks made before anything starts (flotilla doctor lists them)');

/** Load the command's module only when it runs; extra leading arguments go before commander's. */
function action(load: Loader, ...leading: unknown[]) {
  return async (...args: unknown[]) => {
    const mod = await load();
    const code = await mod.run(...leading, ...args.slice(0, -1));
    process.exitCode = typeof code === 'number' ? code : 0;
  };
}

export function buildProgram(commander: Commander): Command {
  const { Command } = commander;
  const program = new Command('flotilla')
    .description('Run a fleet of AI coding agents in colored tmux panes, each in its own git worktree.')
    .option('-V, --version', 'print the version')
    .showHelpAfterError('(run "flotilla --help" for usage)')
    .exitOverride();

  startOptions(program
    .command('up'))
    .description('start the mission\'s supervisor, tmux session, worktrees and agents (default ./flotilla.yaml)')
    .argument('[mission]', 'mission file', 'flotilla.yaml')
    .addOption(socketOption(commander))
    .option('--foreground', 'keep the supervisor attached to this terminal')
    .option('--wait', 'block until every task is done or one failed for good')
    .option('--timeout <seconds>', 'with --wait: give up after this long', Number)
    .option('--fresh', 'archive the open run (its task history) and start the tasks over')
    .option('--yes', 'with --fresh: do not ask')
    .action(action(() => import('./commands/up.js')));

  program
    .command('runs')
    .description('past runs of missions (archived by down): tasks, wall time, speedup')
    .option('--json', 'machine-readable output')
    .action(action(() => import('./commands/runs.js')));

  program
    .command('doctor')
    .helpGroup(HELP_GROUPS.setup)
    .description('check a mission before starting it: tools, repository, agent commands, Claude Code trust and dialogs')
    .argument('[mission]', 'mission file', 'flotilla.yaml')
    .option('--json', 'machine-readable output')
    .action(action(() => import('./commands/doctor.js')));

  startOptions(program
    .command('run'))
    .description('run prompt files in parallel as an ad-hoc mission in this repository, then wait for the end')
    .argument('<files...>', 'prompt files, one task each')
    .option('--agent <kind>', 'agent kind: claude, codex, aider, gemini, sim', 'claude')
    .option('--parallel <n>', 'agents working at once (default 4)', Number)
    .option('--timeout <seconds>', 'give up after this long', Number)
    .addOption(socketOption(commander))
    .action(action(() => import('./commands/run.js')));

  program
    .command('down')
    .description('stop a mission: supervisor, tmux session, and clean merged worktrees')
    .argument('[mission]', 'mission name or file')
    .option('--all', 'stop every running mission')
    .option('--force', 'also remove worktrees with unmerged or uncommitted work')
    .addOption(socketOption(commander))
    .action(action(() => import('./commands/down.js')));

  program
    .command('ls')
    .description('list running supervisors')
    .option('--json', 'machine-readable output')
    .addOption(socketOption(commander))
    .action(action(() => import('./commands/ls.js')));

  program
    .command('status')
    .description('show a mission\'s orchestrators, panes, heartbeats')
    .argument('[mission]', 'mission name or file')
    .option('--json', 'machine-readable output')
    .addOption(socketOption(commander))
    .action(action(() => import('./commands/status.js')));

  program
    .command('attach')
    .description('attach this terminal to a mission\'s tmux session')
    .argument('[mission]', 'mission name or file')
    .addOption(socketOption(commander))
    .action(action(() => import('./commands/attach.js')));

  for (const verb of ['pause', 'resume'] as const) {
    program
      .command(verb)
      .description(`${verb} a mission's supervisor`)
      .argument('[mission]', 'mission name or file')
      .addOption(socketOption(commander))
      .action(action(() => import('./commands/control.js'), verb));
  }

  program
    .command('validate')
    .helpGroup(HELP_GROUPS.setup)
    .description('check a mission file (errors name file:line:col), then the checks up makes before starting')
    .argument('[mission]', 'mission file', 'flotilla.yaml')
    .option('--json', 'machine-readable output')
    .option('--schema-only', 'check the file only, not the tools, repository and agents')
    .action(action(() => import('./commands/validate.js')));

  program
    .command('schema')
    .helpGroup(HELP_GROUPS.setup)
    .description('print the mission JSON Schema, for editors')
    .action(action(() => import('./commands/schema.js')));

  program
    .command('keys')
    .helpGroup(HELP_GROUPS.setup)
    .description('list the keys Flotilla binds in its tmux sessions')
    .action(action(() => import('./commands/keys.js')));

  program
    .command('layout')
    .description('rearrange a running mission\'s panes: tabs, grid or toggle')
    .argument('<mode>', 'tabs | grid | toggle')
    .argument('[mission]', 'mission name or file')
    .option('--session <name>', 'tmux session (used by the key binding)')
    .addOption(socketOption(commander))
    .action(action(() => import('./commands/layout.js')));

  program
    .command('heartbeat')
    .helpGroup(HELP_GROUPS.agentSide)
    .description('record that this pane\'s agent is alive')
    .option('--state <state>', 'the agent\'s own view of its state')
    .option('--source <source>', 'what sent it (hook event name)', 'cli')
    .action(action(() => import('./commands/heartbeat.js')));

  program
    .command('hook')
    .helpGroup(HELP_GROUPS.agentSide)
    .description('report a Claude Code hook event as a heartbeat; run by the hooks Flotilla installs')
    .argument('<event>', 'SessionStart | UserPromptSubmit | PreToolUse | PostToolUse | Notification | Stop | StopFailure | SessionEnd')
    .action(action(() => import('./commands/hook.js')));

  program
    .command('done')
    .helpGroup(HELP_GROUPS.agentSide)
    .description('the current task is finished')
    .option('--summary <text>', 'one line on what was done')
    .action(action(() => import('./commands/done.js')));

  program
    .command('fail')
    .helpGroup(HELP_GROUPS.agentSide)
    .description('the current task cannot be finished')
    .requiredOption('--reason <text>', 'why')
    .action(action(() => import('./commands/fail.js')));

  program
    .command('note')
    .helpGroup(HELP_GROUPS.agentSide)
    .description('add a note to the supervisor log')
    .argument('<text...>', 'the note')
    .action(action(() => import('./commands/note.js')));

  program
    .command('task')
    .description('add, list, show, cancel or retry tasks of a running mission')
    .argument('<verb>', 'add | list | show | cancel | retry')
    .argument('[args...]', 'the title (add) or the task id')
    .option('--mission <mission>', 'mission name or file')
    .option('--prompt-file <file>', 'instructions for the task (add)')
    .option('--deps <ids>', 'comma-separated task ids that must be done first (add)')
    .option('--role <role>', 'role best suited (add)')
    .option('--priority <n>', 'higher runs first (add)', Number)
    .option('--stream <stream>', 'stream the task belongs to (add)')
    .option('--retries <n>', 'extra attempts after a failure (add)', Number)
    .option('--timeout <seconds>', 'give up on an attempt after this long (add)', Number)
    .option('--request-id <id>', 'the same id again adds the task at most once (add; default: a new id, retried for 30 s)')
    .option('--json', 'machine-readable output')
    .addOption(socketOption(commander))
    .action(action(() => import('./commands/task.js')));

  program
    .command('merge')
    .description('the merge queue: what waits, is tested, landed or was turned down; pause, resume, retry, remove')
    .argument('<verb>', 'status | list | log | retry | remove | pause | resume')
    .argument('[args...]', 'the task id (log, retry, remove)')
    .option('--mission <mission>', 'mission name or file')
    .option('--skip-checkout', 'resume: land even though your checkout of the base has uncommitted changes, leaving its files as they are')
    .option('--json', 'machine-readable output')
    .addOption(socketOption(commander))
    .action(action(() => import('./commands/merge.js')));

  program
    .command('events')
    .description('task transitions, one line each: time, orchestrator, task, from -> to')
    .argument('[mission]', 'mission name or file')
    .option('--follow', 'keep printing new events')
    .option('--json', 'one JSON object per line')
    .addOption(socketOption(commander))
    .action(action(() => import('./commands/events.js')));

  program
    .command('demo')
    .description('bring up the demo mission on a throwaway repository with stand-in agents')
    .option('--dir <dir>', 'where to create the throwaway repository (default: a new temp dir)')
    .option('--headless', 'do not attach: run every task to the end, print the wall time and the speedup')
    .option('--fast', 'the old pace: the nine tasks in about 12 s instead of a minute')
    .addOption(socketOption(commander))
    .action(action(() => import('./commands/demo.js')));

  program
    .command('screen')
    .helpGroup(HELP_GROUPS.setup)
    .description('classify a saved agent screen (capture-pane -p output): state, rule and the deciding line')
    .argument('[file]', 'screen text file, or - for standard input', '-')
    .option('--agent <kind>', 'agent kind whose patterns to use: claude, codex, aider, gemini, generic, sim', 'claude')
    .option('--json', 'print {state, rule, line}')
    .action(action(() => import('./commands/screen.js')));

  program
    .command('completion')
    .helpGroup(HELP_GROUPS.setup)
    .description('print a tab-completion script for your shell: source <(flotilla completion bash)')
    .addArgument(new commander.Argument('<shell>', 'bash | zsh | fish').choices(['bash', 'zsh', 'fish']))
    .action(action(() => import('./commands/completion.js'), program));

  program
    .command('sim-agent')
    .helpGroup(HELP_GROUPS.agentSide)
    .description('the built-in stand-in agent (for demos and tests)')
    .action(action(() => import('./commands/sim-agent.js')));

  program
    .command('supervise', { hidden: true })
    .argument('<mission>', 'mission file')
    .addOption(socketOption(commander))
    .action(action(() => import('./commands/supervise.js')));

  // Every command takes --socket, so a script can pass it to all of them; those that never talk to tmux ignore it.
  for (const cmd of program.commands) {
    if (!cmd.options.some((o) => o.long === '--socket')) cmd.addOption(socketOption(commander).hideHelp());
  }
  addExamples(program);
  return program;
}

/** The full CLI: every command through commander. bin/flotilla comes here through entry.ts. */
export async function main(argv: string[]): Promise<void> {
  // `flotilla --help | head`: a reader that stops early is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
  const commander = await import('commander');
  const program = buildProgram(commander);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = err instanceof commander.CommanderError ? commanderExitCode(err) : (await import('./handle-error.js')).handleError(err);
  }
}

/** Commander has already printed its message (or the help) by the time it throws. */
function commanderExitCode(err: import('commander').CommanderError): number {
  return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : 2;
}
