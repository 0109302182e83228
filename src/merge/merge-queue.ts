import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CandidateBuilder, landedTasks, taskTrailers } from '../git/candidate.js';
import { headCommit } from '../git/git.js';
import { baseCommit, landOnBase, pushBase } from '../git/land.js';
import type { Mission } from '../mission/schema.js';
import type { AttentionEvent } from '../tasks/events.js';
import type { TaskQueue } from '../tasks/queue.js';
import type { Task } from '../tasks/task.js';
import { MergeEngine } from './engine.js';
import type { MergeEntry, TestOutcome } from './entry.js';
import { feedbackText, rejectionReason } from './feedback.js';
import { TestPool } from './test-pool.js';

export interface MergeQueueDeps {
  mission: Mission;
  runId: string;
  /** The run's merge state: feedback, test logs, slot markers. */
  dir: string;
  queue: TaskQueue;
  log: (message: string) => void;
  /** Log a hold (or its end) between the task events. */
  attention: (e: AttentionEvent) => void;
  /** A task moved: the supervisor writes the log and lets the work loop act on it. */
  changed: () => void;
  redact?: (text: string) => string;
}

/** `status --json`'s `merge`, and `flotilla merge status`. */
export interface MergeStatus {
  enabled: boolean;
  test: string | null;
  paused: boolean;
  held: { why: string; since: string } | null;
  skip_checkout: boolean;
  push: { remote: string; error: string | null } | null;
  entries: {
    task: string;
    state: string;
    position: number | null;
    batch: number;
    attempts: number;
    candidate: string | null;
    tested_tree: string | null;
    landed_commit: string | null;
    log: string | null;
    reason: string | null;
  }[];
}

/**
 * The mission's merge queue: the engine (engine.ts) wired to git, the test
 * slots and the task queue. A finished task's branch lands on the base only
 * through the test; a rejection goes back to an agent with what to fix.
 */
export class MergeQueue {
  private readonly engine: MergeEngine;
  private readonly pool: TestPool;
  private readonly builder: CandidateBuilder;
  private readonly logs = new Map<string, string>();
  private pushError: string | null = null;

  constructor(private readonly d: MergeQueueDeps) {
    const m = d.mission;
    this.builder = new CandidateBuilder(m.repo, m.merge.strategy);
    this.pool = new TestPool({
      repo: m.repo,
      worktreesDir: m.worktreesDir,
      stateDir: d.dir,
      size: m.merge.parallel,
      command: m.merge.test!,
      timeoutMs: m.merge.timeoutS * 1000,
      setup: m.setup,
      redact: d.redact,
    });
    this.engine = new MergeEngine(
      {
        base: () => baseCommit(m.repo, m.base),
        contains: (base, head) => this.builder.contains(base, head),
        build: (parent, parts) => this.builder.build(parent, parts),
        test: (run) => this.pool.run(run),
        land: (old, next, skipCheckout) => this.land(old, next, skipCheckout),
        message: (e) => this.message(e),
      },
      {
        testing: (task, on) => this.move(task, (t) => (on ? t.state === 'queued' : t.state === 'testing') && this.d.queue.testing(task, on)),
        merged: (task, landed) => this.merged(task, landed),
        rejected: (task, why) => void this.rejected(task, why),
        held: (h) => this.held(h),
        tested: (tasks, outcome) => this.tested(tasks, outcome),
        log: (msg) => d.log(msg),
      },
      { test: m.merge.test!, parallel: m.merge.parallel, batch: m.merge.batch, retries: m.merge.retries },
    );
  }

  /**
   * Take over the queue the event log describes. A landing the log missed (a
   * supervisor killed between the compare-and-swap and the log line) is found
   * on the base by its trailers, so nothing lands twice; tests under way start again.
   */
  async start(): Promise<void> {
    await mkdir(this.d.dir, { recursive: true, mode: 0o700 });
    await this.pool.reapLeftovers();
    const waiting = this.d.queue.inMerge();
    const landed = waiting.length > 0 ? await landedTasks(this.d.mission.repo, this.d.mission.base, this.d.runId) : new Map<string, string>();
    for (const t of waiting) {
      const commit = landed.get(t.id);
      if (commit) {
        this.d.queue.merged(t.id, commit);
        this.d.log(`merge: ${t.id} had landed as ${commit.slice(0, 12)} before the restart`);
        continue;
      }
      if (t.state === 'testing') this.d.queue.testing(t.id, null);
      if (t.state === 'done') await this.enqueueDone(t);
      else this.add(this.d.queue.get(t.id)!);
    }
    if (waiting.length > 0) this.d.changed();
  }

  /** A task just finished (queued by TaskQueue.complete): into the engine. */
  add(t: Task): void {
    if (t.state !== 'queued') return;
    this.engine.add({ task: t.id, orchestrator: t.orchestrator, head: t.head, title: t.title, summary: t.summary, priority: t.priority, at: t.since });
  }

  kick(): void {
    void this.engine.kick();
  }

  /** The supervisor's periodic look: only while something waits (a git process per look). */
  tick(): void {
    if (this.engine.size > 0 || this.engine.held) void this.engine.kick();
  }

  /** What a change of which the status file must hear looks like (see Supervisor.persist). */
  fingerprint(): string {
    const h = this.engine.held;
    return `${this.engine.paused}|${h?.why ?? ''}|${this.engine.view().map((v) => `${v.entry.task}:${v.item?.state ?? '-'}`).join(',')}`;
  }

  /** Settles once the passes asked for so far are over (tests). */
  settled(): Promise<void> {
    return this.engine.kick();
  }

  get holding(): boolean {
    return this.engine.held !== undefined;
  }

  pause(): void {
    this.engine.paused = true;
    this.d.log('merge: paused by request (tests under way finish; nothing new is tested or lands)');
  }

  resume(opts: { skipCheckout?: boolean }): void {
    this.d.log(`merge: resumed by request${opts.skipCheckout ? '; landing without bringing your checkout of the base along' : ''}`);
    this.engine.resume(opts);
  }

  /** Try a turned-down task again as it is (after a fix outside Flotilla, or a flaky test). */
  async retry(id: string): Promise<Task> {
    const t = this.d.queue.get(id);
    if (!t) throw new Error(`no task "${id}"; "flotilla task list" shows the ids`);
    if (t.state !== 'changes-requested' && !(t.state === 'failed' && t.rejections > 0)) {
      throw new Error(`task "${id}" is ${t.state}; only a task the merge queue turned down can be retried with "merge retry" (try "flotilla task retry ${id}")`);
    }
    const head = await headCommit(this.d.mission.repo, `refs/heads/${branchOf(this.d.mission.name, id)}`);
    const queued = this.d.queue.enqueue(id, head, 'merge retried by hand');
    this.add(queued);
    this.d.changed();
    return queued;
  }

  remove(id: string): Task {
    const t = this.d.queue.get(id);
    if (!t || !this.engine.has(id)) throw new Error(`task "${id}" is not in the merge queue; "flotilla merge list" shows what is`);
    this.engine.remove(id);
    const after = this.d.queue.get(id)!;
    const failed = after.state === 'queued' || after.state === 'testing' ? this.d.queue.reject(id, 'taken out of the merge queue by hand', '', 1) : after;
    this.d.changed();
    return failed;
  }

  logOf(id: string): string | undefined {
    return this.logs.get(id);
  }

  status(): MergeStatus {
    const m = this.d.mission;
    const held = this.engine.held;
    const view = this.engine.view();
    const entries: MergeStatus['entries'] = view.map(({ entry, item }, i) => ({
      task: entry.task,
      state: this.d.queue.get(entry.task)?.state ?? 'queued',
      position: i + 1,
      batch: item?.entries.length ?? 1,
      attempts: item?.tries ?? 0,
      candidate: item?.candidate?.commit ?? null,
      tested_tree: item && (item.state === 'passed' || item.state === 'failed') ? (item.candidate?.tree ?? null) : null,
      landed_commit: null,
      log: this.logs.get(entry.task) ?? null,
      reason: null,
    }));
    for (const t of this.d.queue.list()) {
      if (t.state === 'merged') entries.push({ task: t.id, state: 'merged', position: null, batch: 1, attempts: 0, candidate: null, tested_tree: null, landed_commit: t.landed, log: this.logs.get(t.id) ?? null, reason: null });
      else if (t.state === 'changes-requested' || (t.state === 'failed' && t.rejections > 0)) {
        entries.push({ task: t.id, state: t.state, position: null, batch: 1, attempts: t.rejections, candidate: null, tested_tree: null, landed_commit: null, log: this.logs.get(t.id) ?? null, reason: t.reason });
      }
    }
    return {
      enabled: true,
      test: m.merge.test ?? null,
      paused: this.engine.paused && !held,
      held: held ? { why: held.why, since: new Date(held.since).toISOString() } : null,
      skip_checkout: this.engine.skipCheckout,
      push: m.merge.push ? { remote: m.merge.push, error: this.pushError } : null,
      entries,
    };
  }

  async stop(opts: { removeSlots?: boolean } = {}): Promise<void> {
    this.engine.stop();
    if (opts.removeSlots) await this.pool.removeAll();
  }

  private async enqueueDone(t: Task): Promise<void> {
    const head = await headCommit(this.d.mission.repo, `refs/heads/${branchOf(this.d.mission.name, t.id)}`);
    this.add(this.d.queue.enqueue(t.id, head));
  }

  private move(task: string, act: (t: Task) => unknown): void {
    const t = this.d.queue.get(task);
    if (t && act(t)) this.d.changed();
  }

  private merged(task: string, landed: string | null): void {
    const t = this.d.queue.get(task);
    if (!t || t.state === 'merged') return;
    this.d.queue.merged(task, landed);
    this.d.log(landed ? `merge: ${task} landed on ${this.d.mission.base} as ${landed.slice(0, 12)}` : `merge: ${task} merged (nothing to merge)`);
    this.d.changed();
  }

  private async rejected(task: string, why: Parameters<typeof rejectionReason>[0]): Promise<void> {
    const t = this.d.queue.get(task);
    if (!t) return;
    const m = this.d.mission;
    const dir = join(this.d.dir, 'feedback');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${task}-${t.rejections + 1}.md`);
    await writeFile(file, `${feedbackText({ task, title: t.title, base: m.base, why, rejections: t.rejections + 1, maxAttempts: m.merge.maxAttempts })}\n`, { mode: 0o600 });
    if (why.kind === 'test' && why.outcome.log) this.logs.set(task, why.outcome.log);
    const reason = rejectionReason(why, m.base);
    const after = this.d.queue.reject(task, reason, file, m.merge.maxAttempts);
    this.d.log(`merge: ${task} turned down: ${reason}; ${after.state === 'failed' ? 'failed, left for a person' : `back to ${after.orchestrator} (or the next free agent) with ${file}`}`);
    this.d.changed();
  }

  private held(h: { why: string; since: number } | null): void {
    this.d.log(h ? `merge: holding: ${h.why}` : 'merge: no longer holding; landing again');
    this.d.attention({ event: 'attention', ts: Date.now(), task: this.engine.view()[0]?.entry.task ?? '-', orchestrator: 'merge-queue', from: h ? 'landing' : 'held', to: h ? 'held' : 'landing', ...(h ? { question: h.why } : {}) });
    this.d.changed();
  }

  private tested(tasks: string[], outcome: TestOutcome): void {
    if (outcome.log) for (const t of tasks) this.logs.set(t, outcome.log);
  }

  private async land(old: string, next: string, skipCheckout: boolean) {
    const r = await landOnBase(this.d.mission.repo, this.d.mission.base, old, next, { skipCheckout });
    if (r.outcome === 'landed' && this.d.mission.merge.push) {
      const pushed = await pushBase(this.d.mission.repo, this.d.mission.merge.push, this.d.mission.base, next);
      this.pushError = pushed.ok ? null : pushed.error;
      if (!pushed.ok) this.d.log(`merge: landed on ${this.d.mission.base}, but the push to ${this.d.mission.merge.push} was refused: ${pushed.error}`);
    }
    return r;
  }

  private message(e: MergeEntry): string {
    const trailers = taskTrailers({ mission: this.d.mission.name, run: this.d.runId, task: e.task, orchestrator: e.orchestrator, head: e.head });
    const subject = this.d.mission.merge.strategy === 'merge' ? `Merge task ${e.task}: ${e.title}` : e.title;
    return `${subject}\n\n${e.summary ? `${e.summary}\n\n` : ''}${trailers}`;
  }
}

export const branchOf = (mission: string, task: string): string => `flotilla/${mission}/${task}`;
