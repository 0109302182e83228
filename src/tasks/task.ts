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
 *   add ─▶ pending ─deps merged, phase open─▶ ready ─assign─▶ assigned ─start (attempt+1)─▶ running ┤
 *            ▲  ◀── a phase gate closes again ┘                      ▲                             ├─complete─▶ done
 *            │                                                       │                             ├─fail─────▶ failed
 *            │                                    changes-requested ─┘ (back to an agent)          └─deadline─▶ timed-out
 *            │                                           ▲
 *            │                  done ─▶ queued ◀─▶ testing ─▶ merged          (a mission with a merge test;
 *            │                               └───────┴──────▶ changes-requested, or failed after
 *            │                                                merge.max_attempts rejections)
 *            └─ retry: automatic while attempts remain, or by hand ◀── failed | timed-out | cancelled
 *
 *   pending | ready | assigned | running | changes-requested ─cancel, or a dep or an earlier phase gave up─▶ cancelled
 *
 * failed, timed-out and cancelled are final unless retried. Without a merge
 * test, done is final and satisfies dependents; with one, only merged does
 * (the dependents start from a base that holds the work). Any other move
 * throws IllegalTransitionError.
 */
export type TaskStatus =
  | { state: 'pending'; since: number; orchestrator: null; notBefore: number | null }
  | { state: 'ready'; since: number; orchestrator: null }
  | { state: 'assigned'; since: number; orchestrator: string }
  | { state: 'running'; since: number; orchestrator: string; deadline: number | null }
  | { state: 'done'; since: number; orchestrator: string; summary: string }
  /** `head`: the branch's commit when its agent said done; what the merge queue lands (later commits are not taken). */
  | { state: 'queued'; since: number; orchestrator: string; summary: string; head: string }
  | { state: 'testing'; since: number; orchestrator: string; summary: string; head: string }
  /** `landed`: the base's commit that holds the task; null when the branch had nothing of its own to merge. */
  | { state: 'merged'; since: number; orchestrator: string; summary: string; landed: string | null }
  /** The merge queue turned it down; `orchestrator` is the agent it goes back to first. */
  | { state: 'changes-requested'; since: number; orchestrator: string; reason: string }
  | { state: 'failed'; since: number; orchestrator: string | null; reason: string }
  | { state: 'timed-out'; since: number; orchestrator: string }
  /** `cause` names the task whose failure cancelled this one; null when cancelled directly. */
  | { state: 'cancelled'; since: number; orchestrator: null; reason: string; cause: string | null };

export type TaskState = TaskStatus['state'];

/**
 * `attempts` counts started attempts since the task was added or last retried by hand;
 * `rejections` the merge queue's rejections in that time, and `feedback` the file that
 * says why it last turned the task down (what the next attempt is told).
 */
export type Task = TaskDef & { attempts: number; rejections: number; feedback: string | null } & TaskStatus;

export const TASK_STATES = [
  'pending', 'ready', 'assigned', 'running', 'done', 'queued', 'testing', 'merged', 'changes-requested', 'failed', 'timed-out', 'cancelled',
] as const satisfies readonly TaskState[];

const EDGES: Record<TaskState, readonly TaskState[]> = {
  pending: ['ready', 'cancelled'],
  ready: ['pending', 'assigned', 'cancelled'],
  assigned: ['running', 'pending', 'changes-requested', 'cancelled'],
  running: ['done', 'failed', 'timed-out', 'pending', 'changes-requested', 'cancelled'],
  done: ['queued', 'merged'],
  queued: ['testing', 'merged', 'changes-requested', 'failed'],
  testing: ['queued', 'merged', 'changes-requested', 'failed'],
  merged: [],
  'changes-requested': ['assigned', 'queued', 'failed', 'cancelled'],
  failed: ['pending', 'queued'],
  'timed-out': ['pending'],
  cancelled: ['pending'],
};

/** States whose task satisfies its dependents (done only in a mission without a merge test: see TaskQueue). */
export const SATISFIED: ReadonlySet<TaskState> = new Set(['done', 'merged']);
/** States a task stays in for good unless someone retries it. */
export const GAVE_UP: ReadonlySet<TaskState> = new Set(['failed', 'timed-out', 'cancelled']);
/** States in which an orchestrator holds the task. */
export const HELD: ReadonlySet<TaskState> = new Set(['assigned', 'running']);
/** States of a task in the merge queue. */
export const IN_MERGE: ReadonlySet<TaskState> = new Set(['queued', 'testing']);

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
  return { ...defOf(def), attempts: 0, rejections: 0, feedback: null, state: 'pending', since, orchestrator: null, notBefore: null };
}

/**
 * Move `task` into `to`, keeping its definition and dropping the old state's
 * data. `ctx` replaces the counts (starting, refunding or resetting attempts
 * is the caller's policy, not the machine's).
 */
export function transition(task: Task, to: TaskStatus, ctx: { attempts?: number; rejections?: number; feedback?: string | null } = {}): Task {
  if (!canTransition(task.state, to.state)) throw new IllegalTransitionError(task.id, task.state, to.state);
  return {
    ...defOf(task),
    attempts: ctx.attempts ?? task.attempts,
    rejections: ctx.rejections ?? task.rejections,
    feedback: ctx.feedback === undefined ? task.feedback : ctx.feedback,
    ...to,
  };
}
