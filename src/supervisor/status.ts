import type { Mission, Orchestrator } from '../mission/schema.js';
import type { PaneSpec } from '../tmux/fleet.js';
import type { TaskQueue } from '../tasks/queue.js';
import { publicTask } from './task-requests.js';
import type { Heartbeat } from '../signals/heartbeat.js';
import type { PaneState } from './orchestrator-state.js';
import type { RegistryEntry } from './registry.js';
import type { Waiting } from './attention.js';
import type { MergeStatus } from '../merge/merge-queue.js';

export interface OrchestratorRuntime {
  orchestrator: Orchestrator;
  worktree: string;
  branch: string;
  setup: 'ok' | 'failed' | 'skipped';
  /** A failed setup: what failed and its log. Such an orchestrator takes no tasks. */
  setupFailure?: { step: string; log: string };
  pane: string | undefined;
  state: PaneState;
  dead?: boolean;
  deadPolls?: number;
  /** The state text last shown in the pane's border. */
  label?: string;
  exitStatus: number | undefined;
  exitSignal?: number | undefined;
  heartbeat: Heartbeat | undefined;
  /** When this supervisor first saw the pane: the clock for "no heartbeat yet". */
  seenAt: number;
  /** How to start its agent again (respawn-pane). */
  spec: PaneSpec;
  /** Circuit breaker: offline after too many crashes in a row. */
  offline?: boolean;
  crashes?: number;
  respawnAt?: number;
  /** When tmux had respawned its pane (Infinity while that is under way): pane readings asked before then are stale. */
  respawnedAt?: number;
  nudgedAt?: number;
  /** Last output seen in the pane, and the screen classifier's last reading (agents without hooks). */
  outputAt?: number;
  screen?: { state: string; at: number; line?: string };
  /** What the pane asks a person, while its state is waiting-for-human. */
  waiting?: Waiting;
  /** The last lines on screen when the agent exited (why it died, e.g. "command not found"). */
  lastLines?: string[];
  /** The screen when it was nudged for stalling: the reason quoted if the attempt fails. */
  stallScreen?: string[];
  /** A prompt is being pasted into the pane right now. */
  delivering?: boolean;
  /**
   * Its task must be delivered once the agent is at its prompt: 'full' pastes it again (new agent,
   * or never pasted); 'resume' first presses Enter, for a paste whose Enter may have been lost.
   */
  redeliver?: 'full' | 'resume';
  /** The last sign of work: a working heartbeat or a prompt taken. Idle heartbeats do not count (a lost `done` would never be nudged). */
  workedAt?: number;
}

/** `flotilla status --json`: the shape scripts rely on. */
export interface MissionStatus {
  mission: string;
  session: string;
  socket: string | null;
  repo: string;
  base: string;
  layout: string;
  paused: boolean;
  /** State the supervisor cannot write (a full disk): no task starts until it can. */
  write_problem: { message: string; since: string } | null;
  supervisor: { pid: number; alive: boolean; started_at: string; uptime_s: number };
  orchestrators: {
    name: string;
    color: string;
    role: string;
    agent: string;
    pane: string | null;
    worktree: string;
    branch: string;
    state: string;
    exit_status: number | null;
    exit_signal: number | null;
    setup: string;
    /** When setup failed: what failed ("npm ci" exited 1) and the log to read. It takes no tasks. */
    setup_failure: { step: string; log: string } | null;
    heartbeat_age_s: number | null;
    heartbeat_stale: boolean;
    task: string | null;
    /** The agent's own session (Claude Code: from its hooks), for resuming or reading its transcript. */
    session: { id: string; transcript: string | null } | null;
    offline: boolean;
    crashes: number;
    /** What it waits for a person to answer (a dialog, a permission prompt, a usage limit), since when. */
    waiting: { question: string; since: string } | null;
    /** The last lines its pane showed when the agent exited. */
    last_lines: string[] | null;
  }[];
  tasks: ReturnType<typeof publicTask>[];
  streams: { name: string; phase: string; done: number; total: number; open: boolean }[];
  /** The merge queue; `enabled: false` when the mission has no merge test. */
  merge: MergeStatus;
}

export function buildStatus(input: {
  mission: Mission;
  entry: RegistryEntry;
  alive: boolean;
  paused: boolean;
  writeProblem?: { message: string; since: number };
  runtime: OrchestratorRuntime[];
  tasks?: TaskQueue;
  merge?: MergeStatus;
  now: number;
}): MissionStatus {
  const { mission, entry, now } = input;
  return {
    mission: mission.name,
    session: entry.session,
    socket: entry.socket,
    repo: mission.repo,
    base: mission.base,
    layout: mission.layout,
    paused: input.paused,
    write_problem: input.writeProblem ? { message: input.writeProblem.message, since: new Date(input.writeProblem.since).toISOString() } : null,
    supervisor: {
      pid: entry.pid,
      alive: input.alive,
      started_at: new Date(entry.startedAt).toISOString(),
      uptime_s: Math.round((now - entry.startedAt) / 1000),
    },
    orchestrators: input.runtime.map((rt) => {
      const age = rt.heartbeat ? Math.max(0, (now - rt.heartbeat.ts) / 1000) : null;
      return {
        name: rt.orchestrator.name,
        color: rt.orchestrator.color,
        role: rt.orchestrator.role,
        agent: rt.orchestrator.agent.kind,
        pane: rt.pane ?? null,
        worktree: rt.worktree,
        branch: rt.branch,
        state: rt.state,
        exit_status: rt.exitStatus ?? null,
        exit_signal: rt.exitSignal ?? null,
        setup: rt.setup,
        setup_failure: rt.setupFailure ?? null,
        heartbeat_age_s: age === null ? null : Math.round(age * 10) / 10,
        // The same threshold the stall logic uses, so 'stale' here and 'stalled' there agree.
        heartbeat_stale: age === null || age > mission.dispatch.stallAfterS,
        task: input.tasks?.heldBy(rt.orchestrator.name)?.id ?? null,
        session: rt.heartbeat?.sessionId ? { id: rt.heartbeat.sessionId, transcript: rt.heartbeat.transcriptPath ?? null } : null,
        offline: Boolean(rt.offline),
        crashes: rt.crashes ?? 0,
        waiting: rt.waiting ? { question: rt.waiting.question, since: new Date(rt.waiting.since).toISOString() } : null,
        last_lines: rt.lastLines ?? null,
      };
    }),
    tasks: input.tasks?.list().map(publicTask) ?? [],
    streams: input.tasks?.streamProgress() ?? [],
    merge: input.merge ?? { enabled: false, test: null, paused: false, held: null, skip_checkout: false, push: null, entries: [] },
  };
}
