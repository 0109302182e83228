import { UnknownTaskError } from './graph.js';
import { defOf, newTask, transition, type Task, type TaskDef, type TaskState, type TaskStatus } from './task.js';

/**
 * One line of the event log. The log alone rebuilds the queue (see
 * `replay`), so each event carries everything the new state holds.
 */
export type TaskEvent = AddedEvent | TransitionEvent;

export interface AddedEvent {
  event: 'added';
  ts: number;
  task: string;
  orchestrator: null;
  from: null;
  to: 'pending';
  attempt: 0;
  def: TaskDef;
}

export interface TransitionEvent {
  event: 'transition';
  ts: number;
  task: string;
  /** The orchestrator involved: the new holder, or the one the task left. */
  orchestrator: string | null;
  from: TaskState;
  to: TaskState;
  /** The task's attempt count after the transition. */
  attempt: number;
  reason?: string;
  summary?: string;
  notBefore?: number;
  cause?: string;
  /** Into queued or testing: the branch commit the merge queue takes. */
  head?: string;
  /** Into merged: the base's commit that holds the task (null: nothing to merge). */
  landed?: string | null;
  /** The merge queue's count of rejections after this move, when it changed. */
  rejections?: number;
  /** The file saying why the merge queue turned the task down (null: cleared). */
  feedback?: string | null;
  /** Into testing: the candidate commit and its tree, the exact tree the test runs on. */
  candidate?: string;
  tree?: string;
}

/**
 * An orchestrator needs a person (a dialog, a permission prompt, a usage
 * limit), or no longer does. Written to the same log so `events` shows it
 * between the task moves; replay skips it: it changes no task.
 */
export interface AttentionEvent {
  event: 'attention';
  ts: number;
  /** The task the orchestrator holds, or "-". */
  task: string;
  orchestrator: string;
  from: string;
  to: string;
  /** The question on screen, with to = waiting-for-human. */
  question?: string;
  pane?: string;
}

export type LogEvent = TaskEvent | AttentionEvent;

export class EventMismatchError extends Error {
  override name = 'EventMismatchError';
}

/** Free text is clipped so an event-log line stays well under PIPE_BUF (4096 bytes), which keeps each append one atomic write. */
const MAX_TEXT = 1000;
export const clip = (s: string): string => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);

export function addedEvent(def: TaskDef, ts: number): AddedEvent {
  return { event: 'added', ts, task: def.id, orchestrator: null, from: null, to: 'pending', attempt: 0, def: { ...defOf(def), title: clip(def.title) } };
}

/** The task after `e`; throws if `e` does not follow from `task`. */
export function applyEvent(task: Task | undefined, e: TaskEvent): Task {
  if (e.event === 'added') {
    if (task) throw new EventMismatchError(`task "${e.task}" added twice`);
    return newTask(e.def, e.ts);
  }
  if (!task) throw new UnknownTaskError(e.task);
  if (task.state !== e.from) {
    throw new EventMismatchError(`event for task "${e.task}" moves it from ${e.from}, but it is ${task.state}`);
  }
  return transition(task, statusAfter(task, e), { attempts: e.attempt, rejections: e.rejections, feedback: e.feedback });
}

function statusAfter(task: Task, e: TransitionEvent): TaskStatus {
  const since = e.ts;
  const holder = (): string => {
    if (e.orchestrator === null) throw new EventMismatchError(`event for task "${e.task}" into ${e.to} names no orchestrator`);
    return e.orchestrator;
  };
  // The agent's summary and the commit it finished on follow a task through the merge states.
  const summary = e.summary ?? ('summary' in task ? task.summary : '');
  const head = (): string => {
    const h = e.head ?? ('head' in task ? task.head : undefined);
    if (h === undefined) throw new EventMismatchError(`event for task "${e.task}" into ${e.to} names no commit`);
    return h;
  };
  switch (e.to) {
    case 'pending':
      return { state: 'pending', since, orchestrator: null, notBefore: e.notBefore ?? null };
    case 'ready':
      return { state: 'ready', since, orchestrator: null };
    case 'assigned':
      return { state: 'assigned', since, orchestrator: holder() };
    case 'running':
      return { state: 'running', since, orchestrator: holder(), deadline: task.timeoutMs === null ? null : since + task.timeoutMs };
    case 'done':
      return { state: 'done', since, orchestrator: holder(), summary };
    case 'queued':
      return { state: 'queued', since, orchestrator: holder(), summary, head: head() };
    case 'testing':
      return { state: 'testing', since, orchestrator: holder(), summary, head: head() };
    case 'merged':
      return { state: 'merged', since, orchestrator: holder(), summary, landed: e.landed ?? null };
    case 'changes-requested':
      return { state: 'changes-requested', since, orchestrator: holder(), reason: e.reason ?? '' };
    case 'failed':
      return { state: 'failed', since, orchestrator: e.orchestrator, reason: e.reason ?? '' };
    case 'timed-out':
      return { state: 'timed-out', since, orchestrator: holder() };
    case 'cancelled':
      return { state: 'cancelled', since, orchestrator: null, reason: e.reason ?? '', cause: e.cause ?? null };
  }
}
