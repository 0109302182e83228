import { TaskGraph, UnknownTaskError } from './graph.js';
import { addedEvent, applyEvent, clip, type TaskEvent, type TransitionEvent } from './events.js';
import { blockerOf, checkStreams, isEligible } from './phases.js';
import { streamProgress, type StreamProgress } from './progress.js';
import { GAVE_UP, HELD, IllegalTransitionError, IN_MERGE, SATISFIED, TASK_STATES, type Task, type TaskDef, type TaskState } from './task.js';

/** The only thing the queue needs to know about time. */
export interface Clock {
  now(): number;
}

/** Delay before retry n (n ≥ 1) is baseMs·2^(n-1), never more than maxMs. */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 30_000, maxMs: 10 * 60_000 };

export interface TaskQueueOptions {
  clock: Clock;
  backoff?: Backoff;
  /** Called after each transition is applied, in order; the supervisor appends it to the event log. */
  onEvent?: (event: TaskEvent) => void;
  /**
   * The mission has a merge test: a finished task goes to the merge queue, and
   * only a merged one satisfies its dependents (they start from a base that holds it).
   */
  mergeGate?: boolean;
}

const MERGED_ONLY: ReadonlySet<TaskState> = new Set(['merged']);

export interface QueueSnapshot {
  version: 1;
  /** In the order they were added, which is always an order that puts deps first. */
  tasks: Task[];
}

export type TimeoutPolicy = 'requeue' | 'cancel';

type Move = Partial<Pick<TransitionEvent, 'orchestrator' | 'attempt' | 'reason' | 'summary' | 'notBefore' | 'cause' | 'head' | 'landed' | 'rejections' | 'feedback' | 'candidate' | 'tree'>>;

/**
 * The mission's tasks and their states. Every change is an event: it is
 * applied with the same code `replay` uses and then handed to `onEvent`, so
 * the event log alone rebuilds this queue.
 */
export class TaskQueue {
  private readonly tasks = new Map<string, Task>();
  private readonly graph = new TaskGraph();
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private onEvent: ((event: TaskEvent) => void) | undefined;
  readonly mergeGate: boolean;
  /** The states that satisfy dependents. */
  readonly satisfied: ReadonlySet<TaskState>;

  constructor(opts: TaskQueueOptions) {
    this.clock = opts.clock;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.onEvent = opts.onEvent;
    this.mergeGate = opts.mergeGate ?? false;
    this.satisfied = this.mergeGate ? MERGED_ONLY : SATISFIED;
  }

  static restore(snapshot: QueueSnapshot, opts: TaskQueueOptions): TaskQueue {
    if (snapshot.version !== 1) throw new Error(`unsupported task snapshot version ${String(snapshot.version)}`);
    const q = new TaskQueue(opts);
    for (const t of snapshot.tasks) {
      if (!(TASK_STATES as readonly string[]).includes(t.state)) throw new Error(`task "${t.id}" has unknown state "${t.state}"`);
      q.graph.add(t.id, t.deps);
      q.tasks.set(t.id, structuredClone(t));
    }
    return q;
  }

  /** Rebuild a queue from its event log; `opts.onEvent` only sees events after the replay. */
  static fromEvents(events: Iterable<TaskEvent>, opts: TaskQueueOptions): TaskQueue {
    const q = new TaskQueue({ ...opts, onEvent: undefined });
    for (const e of events) q.apply(e);
    q.onEvent = opts.onEvent;
    return q;
  }

  get(id: string): Task | undefined {
    return this.tasks.get(id);
  }

  list(): Task[] {
    return [...this.tasks.values()];
  }

  /** Tasks that depend on `id`, directly or not, deps first. */
  descendants(id: string): string[] {
    return this.graph.descendants(id);
  }

  add(def: TaskDef): Task {
    return this.addAll([def])[0]!;
  }

  /** Add tasks whose deps may refer to each other in any order; all or nothing. */
  addAll(defs: readonly TaskDef[]): Task[] {
    const byId = new Map(defs.map((d) => [d.id, d]));
    const order = this.graph.check(defs);
    checkStreams(defs, order, this.tasks);
    const now = this.clock.now();
    for (const id of order) this.emit(addedEvent(byId.get(id)!, now));
    this.settle();
    return defs.map((d) => this.must(d.id));
  }

  /** Promote pending tasks whose deps are done, phase is open and backoff is over; ready tasks, best first. */
  ready(): Task[] {
    this.settle();
    const index = new Map(this.graph.ids().map((id, i) => [id, i]));
    return this.list()
      .filter((t) => t.state === 'ready')
      .sort((a, b) => b.priority - a.priority || index.get(a.id)! - index.get(b.id)!);
  }

  /** What an orchestrator may take now: tasks the merge queue sent back first (their work is nearly done), then ready ones. */
  dispatchable(): Task[] {
    const back = this.list().filter((t) => t.state === 'changes-requested').sort((a, b) => b.priority - a.priority || a.since - b.since);
    return [...back, ...this.ready()];
  }

  /** Tasks in the merge queue (queued or testing), and done ones not yet handed to it. */
  inMerge(): Task[] {
    return this.list().filter((t) => IN_MERGE.has(t.state) || (this.mergeGate && t.state === 'done'));
  }

  /** The task a `task add` request added, if it was seen before (a retry of a request whose answer was lost). */
  byRequest(requestId: string): Task | undefined {
    for (const t of this.tasks.values()) if (t.requestId === requestId) return t;
    return undefined;
  }

  /** The task `orchestrator` holds (assigned or running), if any. */
  heldBy(orchestrator: string): Task | undefined {
    for (const t of this.tasks.values()) if (HELD.has(t.state) && t.orchestrator === orchestrator) return t;
    return undefined;
  }

  assign(id: string, orchestrator: string): Task {
    const held = this.heldBy(orchestrator);
    if (held) throw new Error(`orchestrator "${orchestrator}" already holds task "${held.id}"`);
    return this.move(this.must(id), 'assigned', { orchestrator });
  }

  start(id: string): Task {
    const t = this.must(id);
    return this.move(t, 'running', { attempt: t.attempts + 1 });
  }

  /**
   * The agent said done. With a merge gate, `head` (the branch's commit now) goes
   * to the merge queue in the same step, so no dependent sees the task finished.
   */
  complete(id: string, summary: string, head?: string): Task {
    const before = this.must(id);
    const t = this.move(before, 'done', { summary: clip(summary), ...(before.feedback !== null ? { feedback: null } : {}) });
    if (this.mergeGate && head !== undefined) this.move(t, 'queued', { head });
    this.settle();
    return this.must(t.id);
  }

  /** Into the merge queue: a done task (after a restart), or one sent back or failed, taken again by hand as it is. */
  enqueue(id: string, head: string, reason?: string): Task {
    const t = this.must(id);
    const orchestrator = t.orchestrator ?? undefined;
    if (orchestrator === undefined) throw new Error(`task "${id}" has no orchestrator whose work could be merged`);
    return this.move(t, 'queued', { head, orchestrator, ...(reason ? { reason } : {}) });
  }

  /** A test of a candidate holding the task began (`candidate`, `tree`: what is tested), or (`testing(id)` false) stopped. */
  testing(id: string, on: { candidate: string; tree: string } | null): Task {
    const t = this.must(id);
    return on ? this.move(t, 'testing', { candidate: on.candidate, tree: on.tree }) : this.move(t, 'queued', {});
  }

  /** Landed on the base branch as `landed` (null: the branch had nothing of its own). */
  merged(id: string, landed: string | null): Task {
    const t = this.move(this.must(id), 'merged', { landed });
    this.settle();
    return this.must(t.id);
  }

  /**
   * The merge queue turned the task down: back to an agent with `feedback`
   * (a file saying why and what to do), or failed for good once it was turned
   * down `maxAttempts` times.
   */
  reject(id: string, reason: string, feedback: string, maxAttempts: number): Task {
    const t = this.must(id);
    const rejections = t.rejections + 1;
    if (rejections >= maxAttempts) {
      this.move(t, 'failed', { reason: clip(`${reason}; turned down by the merge queue ${rejections} times, left for a person`), rejections, feedback });
    } else {
      this.move(t, 'changes-requested', { reason: clip(reason), rejections, feedback });
    }
    this.settle();
    return this.must(id);
  }

  /** A failed attempt: back to pending after a backoff while attempts remain, else failed for good. */
  fail(id: string, reason: string): Task {
    const t = this.move(this.must(id), 'failed', { reason: clip(reason) });
    this.requeueIfAttemptsLeft(t);
    this.settle();
    return this.must(id);
  }

  /** A running task passed its deadline; `requeue` retries it like a failure, `cancel` gives up. */
  timeout(id: string, policy: TimeoutPolicy): Task {
    const t = this.move(this.must(id), 'timed-out', { reason: 'deadline passed' });
    if (policy === 'requeue') this.requeueIfAttemptsLeft(t);
    this.settle();
    return this.must(id);
  }

  cancel(id: string, reason = 'cancelled by hand'): Task {
    this.move(this.must(id), 'cancelled', { reason: clip(reason) });
    this.settle();
    return this.must(id);
  }

  /**
   * Retry by hand a task that gave up, with a fresh attempt budget. Tasks
   * cancelled because of it come back too; any still blocked by something
   * else are cancelled again by that.
   */
  retry(id: string): Task {
    const t = this.must(id);
    if (!GAVE_UP.has(t.state)) throw new IllegalTransitionError(id, t.state, 'pending');
    this.move(t, 'pending', { attempt: 0, rejections: 0, feedback: null, reason: 'retried by hand' });
    // A cause can be a task of an earlier phase rather than a dep, so topological order is not enough: repeat until nothing changes.
    const revived = new Set([id]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const x of this.list()) {
        if (x.state === 'cancelled' && x.cause !== null && revived.has(x.cause)) {
          this.move(x, 'pending', { reason: `${id} retried` });
          revived.add(x.id);
          grew = true;
        }
      }
    }
    this.settle();
    return this.must(id);
  }

  /** `orchestrator` went away: its task goes back to the queue, and the attempt does not count. */
  release(orchestrator: string): Task | undefined {
    const t = this.heldBy(orchestrator);
    if (!t) return undefined;
    const attempt = t.state === 'running' ? t.attempts - 1 : t.attempts;
    this.move(t, 'pending', { attempt, reason: `${orchestrator} went offline` });
    this.settle();
    return this.must(t.id);
  }

  /** Running tasks whose deadline has passed. */
  expired(now: number = this.clock.now()): Task[] {
    return this.list().filter((t) => t.state === 'running' && t.deadline !== null && t.deadline <= now);
  }

  streamProgress(): StreamProgress[] {
    return streamProgress(this.list(), this.satisfied);
  }

  snapshot(): QueueSnapshot {
    return { version: 1, tasks: this.list().map((t) => structuredClone(t)) };
  }

  /** Exponential backoff before retry `attempt` (1 = the first retry). */
  backoffMs(attempt: number): number {
    return Math.min(this.backoff.baseMs * 2 ** Math.max(0, attempt - 1), this.backoff.maxMs);
  }

  private requeueIfAttemptsLeft(t: Task): void {
    // An attempt that followed a merge rejection was a fix, not a failure: it does not use a retry.
    if (t.attempts - t.rejections > t.retries) return;
    const notBefore = this.clock.now() + this.backoffMs(t.attempts);
    this.move(t, 'pending', { notBefore, reason: `retry ${t.attempts + 1} of ${t.retries + 1}` });
  }

  /**
   * Bring pending and ready tasks in line with their deps and phases, deps
   * first so that one pass cascades: cancel what can never run, promote what
   * can run now, demote what a newly closed gate holds back.
   */
  private settle(): void {
    const now = this.clock.now();
    for (const id of this.graph.topologicalOrder()) {
      const t = this.must(id);
      if (t.state !== 'pending' && t.state !== 'ready') continue;
      const tasks = this.tasks;
      const blocker = blockerOf(t, tasks);
      if (blocker !== undefined) {
        this.move(t, 'cancelled', { reason: `${blocker} gave up`, cause: blocker });
      } else if (t.state === 'pending' && isEligible(t, tasks, this.satisfied) && (t.notBefore === null || t.notBefore <= now)) {
        this.move(t, 'ready', {});
      } else if (t.state === 'ready' && !isEligible(t, tasks, this.satisfied)) {
        this.move(t, 'pending', { reason: 'waiting for an earlier phase' });
      }
    }
  }

  private move(t: Task, to: TaskState, m: Move): Task {
    const e: TransitionEvent = {
      event: 'transition',
      ts: this.clock.now(),
      task: t.id,
      orchestrator: m.orchestrator === undefined ? t.orchestrator : m.orchestrator,
      from: t.state,
      to,
      attempt: m.attempt ?? t.attempts,
    };
    if (m.reason !== undefined) e.reason = m.reason;
    if (m.summary !== undefined) e.summary = m.summary;
    if (m.notBefore !== undefined) e.notBefore = m.notBefore;
    if (m.cause !== undefined) e.cause = m.cause;
    if (m.head !== undefined) e.head = m.head;
    if (m.landed !== undefined) e.landed = m.landed;
    if (m.rejections !== undefined) e.rejections = m.rejections;
    if (m.feedback !== undefined) e.feedback = m.feedback;
    if (m.candidate !== undefined) e.candidate = m.candidate;
    if (m.tree !== undefined) e.tree = m.tree;
    this.emit(e);
    return this.must(t.id);
  }

  private emit(e: TaskEvent): void {
    this.apply(e);
    this.onEvent?.(e);
  }

  /** Counts the changes applied so far: equal revisions, equal queues. */
  get revision(): number {
    return this.applied;
  }

  private applied = 0;

  private apply(e: TaskEvent): void {
    this.applied++;
    const next = applyEvent(this.tasks.get(e.task), e);
    if (e.event === 'added') this.graph.add(next.id, next.deps);
    this.tasks.set(next.id, next);
  }

  private must(id: string): Task {
    const t = this.tasks.get(id);
    if (!t) throw new UnknownTaskError(id);
    return t;
  }
}
