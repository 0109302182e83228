import { z } from 'zod';

/** A task title is one line of status; longer text belongs in its prompt. The event log clips free text at this length too. */
export const MAX_TITLE = 1000;
export const MAX_ORCHESTRATORS = 64;

/**
 * The mission file's shape. This one zod schema is the single source for
 * validation, the TypeScript types and the editor JSON Schema (`flotilla schema`).
 * Cross-field rules (unique names, deps, roles, cycles) live in rules.ts.
 */

/** Safe both as a git branch component and as a tmux session/window name. */
export const SAFE_NAME = /^[a-z][a-z0-9_-]{0,39}$/;
const safeName = (what: string) =>
  z.string().regex(SAFE_NAME, {
    message: `${what} must start with a lowercase letter and use only a-z, 0-9, "-" and "_" (at most 40 characters), so it is safe as a git branch and a tmux target`,
  });

export const AGENT_KINDS = ['claude', 'codex', 'aider', 'gemini', 'generic', 'sim'] as const;

export const AgentSchema = z
  .strictObject({
    kind: z.enum(AGENT_KINDS).describe('Which agent CLI runs in the pane; "sim" is the built-in stand-in agent.'),
    command: z.string().min(1).optional().describe('Executable to run (defaults per kind: claude, codex, aider, gemini; required for generic).'),
    args: z.array(z.string()).optional().describe('Extra arguments passed to the command, literally.'),
    env: z.record(z.string(), z.string()).optional().describe('Extra environment variables for the agent.'),
    model: z.string().optional().describe('Model name passed to agents that accept one.'),
  })
  .describe('How an orchestrator runs its agent.');

/** An orchestrator's override: every field optional, kind included. */
export const AgentOverrideSchema = AgentSchema.partial();

export const OrchestratorSchema = z.strictObject({
  name: safeName('an orchestrator name').describe('Unique name; also its branch and tmux window name.'),
  role: safeName('a role name').default('developer').describe('A role from roles/*.md (default: developer, a general software developer).'),
  color: z.string().optional().describe('Pane colour: "#rrggbb" or a palette name (indigo, emerald, amber, rose, ...).'),
  agent: AgentOverrideSchema.optional().describe('Overrides of the mission\'s agent defaults.'),
});

export const SIM_FAILURES = ['crash', 'hang', 'test-fail', 'conflict'] as const;

export const SimScriptSchema = z
  .strictObject({
    duration_ms: z.number().int().min(0).max(3_600_000).optional().describe('How long the sim agent works, in milliseconds.'),
    fail: z.enum(SIM_FAILURES).optional().describe('Make the sim agent fail this way instead of finishing.'),
    file: z.string().min(1).optional().describe('The file the sim agent edits (relative to the worktree).'),
  })
  .describe('Script for the built-in "sim" agent: how long it works, which file it edits, how it fails.');

/** What the supervisor adds to a sim task's script when the merge queue sent it back: the base to bring the branch up to. */
export const SimDirectiveSchema = SimScriptSchema.extend({ fix: z.string().min(1).optional() });

/** "90", 90, "90s", "5m", "1h" → seconds. */
export const DurationSchema = z
  .union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?\s*(s|m|h)?$/, { message: 'a duration is a number of seconds or like "90s", "5m", "1h"' })])
  .transform((v) => {
    if (typeof v === 'number') return v;
    const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(v)!;
    const n = Number(m[1]);
    return m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : n;
  });

export const TaskSchema = z.strictObject({
  id: safeName('a task id').describe('Unique id; also the task\'s branch name.'),
  title: z
    .string()
    .min(1)
    .max(MAX_TITLE, { message: `a title is at most ${MAX_TITLE} characters; put the rest in prompt: or prompt_file:` })
    .regex(/^[^\r\n]*$/, { message: 'a title is one line; put the rest in prompt: or prompt_file:' }).describe('One line shown in status and delivered to the agent.'),
  prompt: z.string().optional().describe('The task\'s instructions, inline.'),
  prompt_file: z.string().optional().describe('A file with the instructions, relative to the mission file.'),
  deps: z.array(z.string()).optional().describe('Ids of tasks that must be done first.'),
  role: safeName('a role name').optional().describe('Role best suited; used by capability dispatch.'),
  priority: z.number().int().optional().describe('Higher runs first among ready tasks (default 0).'),
  stream: z.string().optional().describe('The stream this task belongs to.'),
  timeout: DurationSchema.optional().describe('Give up on an attempt after this long.'),
  retries: z.number().int().min(0).max(10).optional().describe('Extra attempts after a failure (default 0).'),
  sim: SimScriptSchema.optional().describe('Script for the built-in "sim" agent (ignored by real agents).'),
});

export const STREAM_PHASES = ['foundation', 'parallel', 'integration'] as const;

export const StreamSchema = z.strictObject({
  name: safeName('a stream name'),
  phase: z.enum(STREAM_PHASES).describe('foundation streams finish before parallel ones start; integration runs last.'),
});

export const DISPATCH_STRATEGIES = ['round-robin', 'capability', 'work-stealing'] as const;

export const DispatchSchema = z.strictObject({
  strategy: z.enum(DISPATCH_STRATEGIES).optional().describe('work-stealing (default): a free orchestrator of the task\'s role first, else any free one; capability: wait for one of its role; round-robin: roles ignored.'),
  max_active: z.number().int().min(1).optional().describe('At most this many agents work at once.'),
  on_timeout: z.enum(['requeue', 'cancel']).optional().describe('What happens to a task that timed out.'),
  stall_after: DurationSchema.optional().describe('A working agent silent this long is stalled: nudged once, then restarted (default 2m).'),
});

export const SetupSchema = z.strictObject({
  copy: z.array(z.string()).optional().describe('Files copied from the main checkout into each new worktree, e.g. .env.'),
  run: z.array(z.string()).optional().describe('Shell commands run in each new worktree, in order, e.g. npm ci.'),
});

export const MERGE_STRATEGIES = ['squash', 'merge'] as const;

export const MergeSchema = z.strictObject({
  test: z.string().min(1).describe('Shell command run on each candidate\'s exact tree; the base branch only ever moves to a tree it passed on.'),
  strategy: z.enum(MERGE_STRATEGIES).optional().describe('squash (default): one commit per task, its title as the message; merge: a merge commit of the task branch.'),
  parallel: z.number().int().min(1).max(16).optional().describe('Candidates tested at once, each on top of those ahead of it (default: the number of cores, at most 4).'),
  batch: z.number().int().min(1).max(64).optional().describe('When more tasks wait than there are test slots, up to this many are tested as one candidate (default 4); a failing batch is split to find the culprit.'),
  retries: z.number().int().min(0).max(5).optional().describe('Runs again of a failing test before anything is turned down, for flaky tests (default 1).'),
  max_attempts: z.number().int().min(1).max(20).optional().describe('Times a task may be turned down (tests failing, conflicts) before it is left failed for a person (default 3).'),
  timeout: DurationSchema.optional().describe('A test run taking longer fails (default 10m).'),
  push: z.string().min(1).optional().describe('A remote to push the base branch to after each landing, e.g. origin.'),
});

export const ThemeSchema = z.strictObject({
  pane_background: z.boolean().optional().describe('Tint each pane\'s background with a subtle shade of its colour.'),
});

export const TMUX_SERVERS = ['default', 'dedicated'] as const;

export const TmuxSchema = z.strictObject({
  server: z
    .enum(TMUX_SERVERS)
    .optional()
    .describe('default: your own tmux server; dedicated: a server of Flotilla\'s own (tmux -L flotilla), which nothing of yours shares.'),
});

export const MissionSchema = z
  .strictObject({
    name: safeName('the mission name').describe('Names the tmux session (flotilla-<name>) and branches.'),
    description: z.string().optional().describe('One or two lines about the mission, shown in status.'),
    repo: z.string().optional().describe('The git repository, relative to the mission file (default: the repository holding it).'),
    base: z.string().min(1).optional().describe('Base branch that work starts from and lands on (default main).'),
    worktrees: z.string().optional().describe('Directory for worktrees, relative to the repo (default .flotilla/worktrees, git-ignored).'),
    layout: z.string().optional().describe('A layout from layouts/: tabs, grid or main (default grid).'),
    theme: ThemeSchema.optional().describe('How panes look.'),
    tmux: TmuxSchema.optional().describe('Which tmux server runs the mission\'s session.'),
    agent: AgentSchema.optional().describe('Agent defaults for every orchestrator.'),
    setup: SetupSchema.optional().describe('How each new worktree is prepared before its agent starts.'),
    orchestrators: z
      .array(OrchestratorSchema)
      .min(1, { message: 'a mission needs at least one orchestrator' })
      .max(MAX_ORCHESTRATORS, { message: `at most ${MAX_ORCHESTRATORS} orchestrators: each one is an agent, a tmux pane and a git worktree` })
      .describe('The agents, one tmux pane and git worktree each; add at least one, e.g. "- { name: ann, role: backend-dev }".'),
    streams: z.array(StreamSchema).optional().describe('Groups of tasks run in phases: foundation first, then parallel, then integration.'),
    tasks: z.array(TaskSchema).optional().describe('The work, handed to orchestrators as they become free.'),
    dispatch: DispatchSchema.optional().describe('How tasks are handed to orchestrators.'),
    merge: MergeSchema.optional().describe('How finished branches land on the base branch.'),
  })
  .describe('A Flotilla mission: who works, where, and on what.');

export type MissionInput = z.input<typeof MissionSchema>;
export type MissionDoc = z.output<typeof MissionSchema>;
export type AgentConfig = z.output<typeof AgentSchema>;
export type OrchestratorDoc = z.output<typeof OrchestratorSchema>;
export type TaskDoc = z.output<typeof TaskSchema>;

/**
 * A mission after loading: defaults filled in, paths absolute, colours and
 * roles resolved. This is what the rest of Flotilla works with.
 */
export interface Mission {
  name: string;
  file: string;
  repo: string;
  base: string;
  worktreesDir: string;
  layout: string;
  paneBackground: boolean;
  /** 'dedicated': the session runs on Flotilla's own tmux server (DEDICATED_SOCKET) unless --socket says otherwise. */
  tmuxServer: (typeof TMUX_SERVERS)[number];
  setup: { copy: string[]; run: string[] };
  orchestrators: Orchestrator[];
  streams: { name: string; phase: (typeof STREAM_PHASES)[number] }[];
  tasks: TaskDoc[];
  dispatch: { strategy: (typeof DISPATCH_STRATEGIES)[number]; maxActive: number; onTimeout: 'requeue' | 'cancel'; stallAfterS: number };
  /** `test` unset: no merge queue; finished branches are left for a person to merge. */
  merge: MergeSettings;
}

export interface MergeSettings {
  test?: string;
  strategy: (typeof MERGE_STRATEGIES)[number];
  parallel: number;
  batch: number;
  retries: number;
  maxAttempts: number;
  timeoutS: number;
  push: string | null;
}

export interface Orchestrator {
  name: string;
  index: number;
  role: string;
  color: string;
  agent: AgentConfig;
}
