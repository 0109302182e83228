import type { STREAM_PHASES } from '../mission/schema.js';

export type StreamPhase = (typeof STREAM_PHASES)[number];

/** A task as defined by the mission, with defaults filled in and durations in milliseconds. */
export interface TaskDef {
  id: string;
  title: string;
  deps: string[];
  priority: number;
  /** Extra attempts after a failure or a requeued timeout. */
  retries: number;
  timeoutMs: number | null;
  role: string | null;
  stream: { name: string; phase: StreamPhase } | null;
  /** The instructions delivered with the title (an inline prompt or a prompt file's text, read when added). */
  body?: string | null;
  /** Script for the built-in sim agent, carried into the prompt. */
  sim?: Record<string, unknown> | null;
  /** The `task add` request that added it: the same request again returns this task instead of adding a second. */
  requestId?: string;
}

/**
 * Where a task is in its life. Each state carries its own data; `since` is
 * the time of the transition into it.
 *
 *            ┌────────── release (from assigned or running; the attempt does not count) ───────────┐
 *            ▼                                                                                     │
 *   add ─▶ pending ─deps done, phase open─▶ ready ─assign─▶ assigned ─start (attempt+1)─▶ running ─┤
 *            ▲  ◀── a phase gate closes again ┘                                                    ├─complete─▶ done ─▶ merging ─▶ merged
 *            │                                                                                     ├─fail─────▶ failed     (merging ─▶ done
 *            │                                                                                     └─deadline─▶ timed-out   to merge again)
 *            └─ retry: automatic while attempts remain, or by hand ◀── failed | timed-out | cancelled
 *
 *   pending | ready | assigned | running ─cancel, or a dep or an earlier phase gave up─▶ cancelled
 *
 * failed, timed-out and cancelled are final unless retried; done, merging and
 * merged satisfy dependents. Any other move throws IllegalTransitionError.
 */
export type TaskStatus =
  | { state: 'pending'; since: number; orchestrator: null; notBefore: number | null }
  | { state: 'ready'; since: number; orchestrator: null }
  | { state: 'assigned'; since: number; orchestrator: string }
  | { state: 'running'; since: number; orchestrator: string; deadline: number | null }
  | { state: 'done'; since: number; orchestrator: string; summary: string }
  | { state: 'merging'; since: number; orchestrator: string; summary: string }
  | { state: 'merged'; since: number; orchestrator: string; summary: string }
  | { state: 'failed'; since: number; orchestrator: string | null; reason: string }
  | { state: 'timed-out'; since: number; orchestrator: string }
  /** `cause` names the task whose failure cancelled this one; null when cancelled directly. */
  | { state: 'cancelled'; since: number; orchestrator: null; reason: string; cause: string | null };

export type TaskState = TaskStatus['state'];

/** `attempts` counts started attempts since the task was added or last retried by hand. */
export type Task = TaskDef & { attempts: number } & TaskStatus;

export const TASK_STATES = [
  'pending', 'ready', 'assigned', 'running', 'done', 'merging', 'merged', 'failed', 'timed-out', 'cancelled',
] as const satisfies readonly TaskState[];

const EDGES: Record<TaskState, readonly TaskState[]> = {
  pending: ['ready', 'cancelled'],
  ready: ['pending', 'assigned', 'cancelled'],
  assigned: ['running', 'pending', 'cancelled'],
  running: ['done', 'failed', 'timed-out', 'pending', 'cancelled'],
  done: ['merging'],
  merging: ['merged', 'done'],
  merged: [],
  failed: ['pending'],
  'timed-out': ['pending'],
  cancelled: ['pending'],
};

/** States whose task satisfies its dependents. */
export const SATISFIED: ReadonlySet<TaskState> = new Set(['done', 'merging', 'merged']);
/** States a task stays in for good unless someone retries it. */
export const GAVE_UP: ReadonlySet<TaskState> = new Set(['failed', 'timed-out', 'cancelled']);
/** States in which an orchestrator holds the task. */
export const HELD: ReadonlySet<TaskState> = new Set(['assigned', 'running']);

export function canTransition(from: TaskState, to: TaskState): boolean {
  return EDGES[from].includes(to);
}

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(readonly task: string, readonly from: TaskState, readonly to: TaskState) {
    super(`task "${task}" cannot go from ${from} to ${to}`);
  }
}

export function defOf(task: TaskDef): TaskDef {
  const { id, title, deps, priority, retries, timeoutMs, role, stream, body, sim, requestId } = task;
  return { id, title, deps: [...deps], priority, retries, timeoutMs, role, stream: stream ? { ...stream } : null, ...(body ? { body } : {}), ...(sim ? { sim: { ...sim } } : {}), ...(requestId ? { requestId } : {}) };
}

export function newTask(def: TaskDef, since: number): Task {
  return { ...defOf(def), attempts: 0, state: 'pending', since, orchestrator: null, notBefore: null };
}

/**
 * Move `task` into `to`, keeping its definition and dropping the old state's
 * data. `ctx.attempts` replaces the attempt count (starting, refunding or
 * resetting attempts is the caller's policy, not the machine's).
 */
export function transition(task: Task, to: TaskStatus, ctx: { attempts?: number } = {}): Task {
  if (!canTransition(task.state, to.state)) throw new IllegalTransitionError(task.id, task.state, to.state);
  return { ...defOf(task), attempts: ctx.attempts ?? task.attempts, ...to };
}
