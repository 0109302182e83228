import type { Command } from 'commander';
import { invokedAs } from '../core/invoked-as.js';

/** Headings that keep the user's commands apart from those agents run in their panes. */
export const HELP_GROUPS = {
  setup: 'Checking and setting up:',
  agentSide: 'Run by agents in their panes, and by Flotilla itself:',
} as const;

/** [command line without the program name, what it does]; `$0` stands for the program as it was typed. */
type Example = [string, string];

const EXAMPLES: Record<string, Example[]> = {
  flotilla: [
    ['demo', 'four stand-in agents work through nine tasks on a throwaway repository'],
    ['validate && $0 up', 'check ./flotilla.yaml, then start it: supervisor, worktrees, one agent per pane'],
    ['status', 'what each orchestrator is doing (--json for scripts)'],
    ['attach', 'watch the panes (detach with your tmux prefix, then d)'],
    ['down', 'stop; remove the worktrees and branches whose work is merged'],
    ['run fix-login.md add-tests.md', 'two prompt files in parallel, as a mission of their own'],
    ['up --socket work', 'start it on a private tmux server (tmux -L work); every command takes --socket'],
    ['completion bash', 'a tab-completion script (also zsh, fish); load it with: source <($0 completion bash)'],
  ],
  up: [
    ['up', 'start ./flotilla.yaml with its supervisor detached'],
    ['up missions/auth.yaml --socket work', 'another mission file, on a private tmux server'],
    ['up --wait --timeout 3600', 'block until every task is done, or give up after an hour'],
    ['up --fresh --yes', 'archive the open run and start its tasks over'],
  ],
  down: [
    ['down', 'stop the mission of ./flotilla.yaml (or the only one running)'],
    ['down auth-revamp --force', 'also remove its unmerged and uncommitted work'],
    ['down --all', 'stop every running mission'],
  ],
  merge: [
    ['merge status', 'what waits, is tested, landed or was sent back, and why the queue holds if it does'],
    ['merge log login-endpoint', 'the output of that task\'s last test run'],
    ['merge resume --skip-checkout', 'land although your checkout of the base has uncommitted changes (its files stay as they are)'],
  ],
  status: [
    ['status', 'the mission of ./flotilla.yaml, or the only one running'],
    ['status auth-revamp --json', 'as JSON, for scripts (jq \'.orchestrators[] | {name, state, task}\')'],
  ],
  run: [
    ['run fix-login.md add-tests.md', 'one task per prompt file, four agents at once, then wait for the end'],
    ['run prompts/*.md --agent codex --parallel 2 --timeout 1800', 'another agent, two at a time, half an hour at most'],
  ],
  demo: [
    ['demo', 'create a throwaway repository, start the demo mission and attach to it'],
    ['demo --headless', 'do not attach: run the nine tasks, print the wall time and the speedup'],
    ['demo --dir /tmp/flotilla-demo --socket demo', 'choose where the repository goes; a private tmux server'],
  ],
  validate: [
    ['validate', 'check ./flotilla.yaml; errors as FILE:LINE:COL with a hint, exit 2'],
    ['validate missions/auth.yaml --json', 'the errors and warnings as JSON'],
  ],
};

/** Add an "Examples:" block to the help of the program and of each command that has some. */
export function addExamples(program: Command): void {
  for (const cmd of [program, ...program.commands]) {
    const examples = EXAMPLES[cmd.name()];
    if (examples) cmd.addHelpText('after', () => formatExamples(examples, invokedAs(), process.stdout.columns || 80));
  }
}

/** `command  # what it does` in two columns when that fits the terminal, else what it does under each command. */
export function formatExamples(examples: Example[], bin: string, columns: number): string {
  const lines = examples.map(([args, what]) => [`${bin} ${args}`, what].map((t) => t.replaceAll('$0', bin)) as [string, string]);
  const width = Math.max(...lines.map(([line]) => line.length));
  const fits = lines.every(([line, what]) => 2 + width + 4 + what.length <= columns);
  const body = lines.map(([line, what]) => (fits ? `  ${line.padEnd(width)}  # ${what}` : `  ${line}\n      ${what}`));
  return `\nExamples:\n${body.join('\n')}\n`;
}
