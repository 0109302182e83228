import type { CandidatePart, CandidateResult } from '../git/candidate.js';
import type { LandResult } from '../git/land.js';
import type { MergeEntry, MergeItem, Rejection, TestOutcome } from './entry.js';

/** The outside world of the queue: git and the test command. Real ones in merge-queue.ts; fakes in the tests. */
export interface MergePorts {
  /** The base branch's commit now. */
  base(): Promise<string>;
  /** True when `head` brings nothing `base` lacks. */
  contains(base: string, head: string): Promise<boolean>;
  build(parent: string, parts: CandidatePart[]): Promise<CandidateResult>;
  /** Start the test command on exactly this commit's tree. `cancel` stops it (its result is then ignored). */
  test(run: { commit: string; tree: string; tasks: string[]; attempt: number }): { result: Promise<TestOutcome>; cancel: () => void };
  land(old: string, next: string, skipCheckout: boolean): Promise<LandResult>;
  message(entry: MergeEntry): string;
}

/** What the queue tells its owner; each call is one change a person could see. */
export interface MergeListener {
  /** A test of a candidate holding `task` began, or (null) was called off because what is ahead changed. */
  testing(task: string, on: { candidate: string; tree: string } | null): void;
  /** `landed`: the base's commit holding it; null when there was nothing to merge. */
  merged(task: string, landed: string | null, base: string): void;
  rejected(task: string, why: Rejection): void;
  /** The queue cannot land (a dirty checkout, a test slot that cannot be set up) until this is resolved; null: resolved. */
  held(reason: { why: string; since: number } | null): void;
  /** A test run ended (its log is what `flotilla merge log` shows). */
  tested(tasks: string[], outcome: TestOutcome): void;
  log(message: string): void;
}

export interface EngineSettings {
  test: string;
  parallel: number;
  batch: number;
  retries: number;
}

type Finished = { item: MergeItem; run: object; outcome: TestOutcome };

/**
 * The merge queue: speculative (Zuul's dependent pipeline) and batching with
 * bisection (bors). Entry k is tested on the base plus every non-failing entry
 * ahead of it, up to `parallel` candidates at once; when the queue is longer
 * than the slots, entries go in batches of up to `batch`. Only the item at the
 * front lands, by a compare-and-swap of the base, so the base only ever points
 * at a commit whose exact tree passed. Every decision is taken in one pass over
 * the queue, made again on every event (an arrival, a finished test, a tick).
 */
export class MergeEngine {
  private loose: MergeEntry[] = [];
  private items: MergeItem[] = [];
  private base: string | undefined;
  private finished: Finished[] = [];
  /** Trees that passed: a candidate rebuilt to the same tree is not tested again. */
  private readonly passedTrees = new Set<string>();
  private nextId = 1;
  private seq = 0;
  private running = false;
  private again = false;
  private holding: { why: string; since: number } | undefined;
  paused = false;
  skipCheckout = false;
  /** Settles when no pass is running or asked for. */
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly ports: MergePorts, private readonly listener: MergeListener, private readonly settings: EngineSettings) {}

  add(entry: Omit<MergeEntry, 'seq'>): void {
    if (this.has(entry.task)) return;
    this.loose.push({ ...entry, seq: this.seq++ });
    this.kick();
  }

  has(task: string): boolean {
    return this.loose.some((e) => e.task === task) || this.items.some((i) => i.entries.some((e) => e.task === task));
  }

  /** Take a task out of the queue (by hand); what was built on it is built again without it. */
  remove(task: string): boolean {
    const before = this.loose.length;
    this.loose = this.loose.filter((e) => e.task !== task);
    if (this.loose.length !== before) return true;
    const item = this.items.find((i) => i.entries.some((e) => e.task === task));
    if (!item) return false;
    this.reset(item);
    item.entries = item.entries.filter((e) => e.task !== task);
    if (item.entries.length === 0) this.items.splice(this.items.indexOf(item), 1);
    this.kick();
    return true;
  }

  get held(): { why: string; since: number } | undefined {
    return this.holding;
  }

  /** Every entry with where it stands, front first. */
  view(): { entry: MergeEntry; item: MergeItem | undefined }[] {
    return [...this.items.flatMap((item) => item.entries.map((entry) => ({ entry, item }))), ...this.sortedLoose().map((entry) => ({ entry, item: undefined }))];
  }

  get size(): number {
    return this.loose.length + this.items.reduce((n, i) => n + i.entries.length, 0);
  }

  /** Run a pass; calls during one fold into one more. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.idle;
    }
    this.running = true;
    this.idle = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again);
      } catch (err) {
        this.listener.log(`merge queue: ${err instanceof Error ? err.message : String(err)}; trying again on the next event`);
      } finally {
        this.running = false;
      }
    })();
    return this.idle;
  }

  /** Stop every test under way (the supervisor is stopping). */
  stop(): void {
    this.paused = true;
    for (const item of this.items) item.cancel?.();
  }

  private async pass(): Promise<void> {
    for (const f of this.finished.splice(0)) this.record(f);
    this.base = await this.ports.base();
    await this.landEmpty();
    if (this.paused) return;
    for (let guard = 0; guard < 10_000; guard++) {
      // A landing frees a slot: entries waiting take it in the same pass.
      this.form();
      await this.walk();
      if (!(await this.resolveFront())) break;
    }
    this.startTests();
  }

  /** Entries with no commits of their own land at once, without a test. */
  private async landEmpty(): Promise<void> {
    for (const e of [...this.loose]) {
      if (this.checked.has(e)) continue;
      this.checked.add(e);
      if (!(await this.ports.contains(this.base!, e.head))) continue;
      this.loose.splice(this.loose.indexOf(e), 1);
      this.listener.log(`merge: ${e.task} has nothing of its own to merge (its branch is already in the base)`);
      this.listener.merged(e.task, null, this.base!);
    }
  }

  /** Entries already looked at by landEmpty (a branch behind the base stays behind it as the base grows). */
  private readonly checked = new WeakSet<MergeEntry>();

  private sortedLoose(): MergeEntry[] {
    return [...this.loose].sort((a, b) => b.priority - a.priority || a.seq - b.seq);
  }

  /** New items from waiting entries while slots are free; batches when more wait than there are slots. */
  private form(): void {
    // Passed items count too: while the front cannot land (held), the stack under test does not grow.
    const busy = () => this.items.filter((i) => i.state !== 'failed' && !i.suspectOf).length;
    while (this.loose.length > 0 && busy() < this.settings.parallel) {
      const free = this.settings.parallel - busy();
      const waiting = this.sortedLoose();
      const size = waiting.length > free ? Math.min(this.settings.batch, Math.ceil(waiting.length / free)) : 1;
      const entries = waiting.slice(0, size);
      this.loose = this.loose.filter((e) => !entries.includes(e));
      this.items.push(this.item(entries));
    }
  }

  private item(entries: MergeEntry[], extra: Partial<MergeItem> = {}): MergeItem {
    return { id: this.nextId++, entries, state: 'waiting', tries: 0, ...extra };
  }

  /** Build what is missing, each item on the nearest non-failing one ahead; anything whose parent changed is built again. */
  private async walk(): Promise<void> {
    let parent = this.base!;
    for (let i = 0; i < this.items.length; i++) {
      const item = this.items[i]!;
      if (item.parent !== parent) {
        this.reset(item);
        item.parent = parent;
      }
      if (!item.candidate && !item.conflict) {
        const built = await this.ports.build(parent, item.entries.map((e) => ({ task: e.task, head: e.head, message: this.ports.message(e), date: e.at })));
        if (!built.ok) {
          const at = item.entries.findIndex((e) => e.task === built.conflict.task);
          if (item.entries.length > 1) {
            // The conflicting entry alone; those before it and after it as items of their own.
            const parts = [item.entries.slice(0, at), [item.entries[at]!], item.entries.slice(at + 1)].filter((p) => p.length > 0);
            this.items.splice(i, 1, ...parts.map((p) => this.item(p, item.suspectOf ? { suspectOf: item.suspectOf, blame: item.blame } : {})));
            i--;
            continue;
          }
          item.conflict = built.conflict;
          item.state = 'failed';
        } else {
          item.candidate = { commit: built.commit, tree: built.tree, parts: built.parts };
          // Only passes are remembered: a failure is run again (a retry), or found again by bisection.
          if (this.passedTrees.has(built.tree)) item.state = 'passed';
        }
      }
      if (item.state !== 'failed' && !item.suspectOf && item.candidate) parent = item.candidate.commit;
    }
  }

  /** The front item: lands when passed, is turned down or split when failed, is judged when suspect. True when something changed. */
  private async resolveFront(): Promise<boolean> {
    const front = this.items[0];
    if (!front) return false;
    if (front.state === 'passed' && front.candidate) return this.land(front);
    if (front.state === 'failed') {
      this.items.shift();
      this.callOff(front.entries);
      if (front.conflict) {
        this.listener.rejected(front.conflict.task, { kind: 'conflict', files: front.conflict.files, ahead: [] });
      } else if (front.entries.length === 1) {
        const outcome = front.failure!;
        this.listener.rejected(front.entries[0]!.task, { kind: 'test', command: this.settings.test, outcome, candidate: front.candidate!.commit, ahead: [], batch: [] });
      } else {
        const blame = { outcome: front.failure!, candidate: front.candidate!.commit, batch: front.entries.map((e) => e.task) };
        this.listener.log(`merge: the batch ${names(front.entries)} failed its tests (${front.failure!.summary}); testing its parts to find the culprit`);
        this.items.unshift(...this.split(front.entries, blame));
      }
      return true;
    }
    if (front.suspectOf) {
      const blame = front.blame!;
      // Its siblings ahead were turned down: it may be fine after all, and is tested like any other.
      if (!this.landedAll(front.suspectOf)) {
        front.suspectOf = undefined;
        return true;
      }
      if (front.entries.length === 1 && this.settings.retries > 0) {
        // The culprit by elimination: tested on its own (with its retries) before it is turned down,
        // for the batch may have failed on a flaky test.
        front.suspectOf = undefined;
        this.listener.log(`merge: ${front.entries[0]!.task} is the likely culprit of the failed batch ${blame.batch.join(', ')}; testing it once more before turning it down`);
        return true;
      }
      this.items.shift();
      this.callOff(front.entries);
      if (front.entries.length === 1) {
        this.listener.log(`merge: ${front.entries[0]!.task} is the culprit of the failed batch ${blame.batch.join(', ')}: the rest of it passed without it`);
        this.listener.rejected(front.entries[0]!.task, { kind: 'test', command: this.settings.test, outcome: blame.outcome, candidate: blame.candidate, ahead: [], batch: blame.batch });
      } else {
        this.items.unshift(...this.split(front.entries, blame));
      }
      return true;
    }
    return false;
  }

  /**
   * A failed batch in parts (bors, Mergify): as many as there are slots, plus one;
   * all but the last are tested at once, each on top of those before it; the last
   * is the culprit, untested, if all the others land.
   */
  private split(entries: MergeEntry[], blame: NonNullable<MergeItem['blame']>): MergeItem[] {
    const n = Math.min(entries.length, this.settings.parallel + 1);
    const parts = Array.from({ length: n }, (_v, k) => entries.slice(Math.floor((k * entries.length) / n), Math.floor(((k + 1) * entries.length) / n)));
    const ahead = parts.slice(0, -1).flat().map((e) => e.task);
    return parts.map((p, k) => this.item(p, k === n - 1 ? { suspectOf: ahead, blame } : { blame }));
  }

  private readonly landed = new Set<string>();
  /** Tasks the listener was told are under test, and not yet told otherwise. */
  private readonly underTest = new Set<string>();

  private landedAll(tasks: string[]): boolean {
    return tasks.every((t) => this.landed.has(t));
  }

  private async land(front: MergeItem): Promise<boolean> {
    const candidate = front.candidate!;
    const r = await this.ports.land(this.base!, candidate.commit, this.skipCheckout);
    if (r.outcome === 'dirty') {
      this.hold(`your checkout of the base at ${r.worktree} has uncommitted changes (${r.files.slice(0, 3).join(', ')}${r.files.length > 3 ? ', …' : ''}); commit or stash them, or run "flotilla merge resume --skip-checkout"`);
      return false;
    }
    if (r.outcome === 'moved') {
      this.listener.log(`merge: the base moved to ${r.now.slice(0, 12)} meanwhile (a push or a commit of someone else); building again on it`);
      this.base = r.now;
      return true;
    }
    this.unhold();
    this.items.shift();
    this.base = candidate.commit;
    for (const e of front.entries) {
      this.landed.add(e.task);
      this.underTest.delete(e.task);
      const part = candidate.parts.find((p) => p.task === e.task);
      this.listener.merged(e.task, part?.commit ?? candidate.commit, candidate.commit);
    }
    return true;
  }

  /** Its tests are over: told as queued again (a split), and turned down or landed from there. */
  private callOff(entries: MergeEntry[]): void {
    for (const e of entries) if (this.underTest.delete(e.task)) this.listener.testing(e.task, null);
  }

  private hold(why: string): void {
    if (this.holding?.why === why) return;
    this.holding = { why, since: Date.now() };
    this.listener.held(this.holding);
  }

  private unhold(): void {
    if (!this.holding) return;
    this.holding = undefined;
    this.listener.held(null);
  }

  /** Start tests, front first, while slots are free. */
  private startTests(): void {
    let running = this.items.filter((i) => i.state === 'testing').length;
    for (const item of this.items) {
      if (running >= this.settings.parallel) break;
      if (item.state !== 'waiting' || !item.candidate || item.suspectOf || item.conflict) continue;
      running++;
      const { commit, tree } = item.candidate;
      for (const e of item.entries) {
        if (this.underTest.has(e.task)) continue;
        this.underTest.add(e.task);
        this.listener.testing(e.task, { candidate: commit, tree });
      }
      item.tries++;
      item.state = 'testing';
      const handle = this.ports.test({ commit, tree, tasks: item.entries.map((e) => e.task), attempt: item.tries });
      const run = {};
      item.cancel = () => {
        handle.cancel();
        this.finished = this.finished.filter((f) => f.run !== run);
      };
      item.run = run;
      handle.result.then(
        (outcome) => {
          this.finished.push({ item, run, outcome });
          void this.kick();
        },
        (err: unknown) => {
          this.finished.push({ item, run, outcome: { passed: false, summary: `could not run: ${String(err)}`, log: '', tail: [], ms: 0, infra: String(err) } });
          void this.kick();
        },
      );
    }
  }

  private record({ item, run, outcome }: Finished): void {
    if (item.run !== run || item.state !== 'testing' || !this.items.includes(item)) return;
    item.cancel = undefined;
    const what = names(item.entries);
    this.listener.tested(item.entries.map((e) => e.task), outcome);
    if (outcome.infra) {
      item.state = 'waiting';
      item.tries--;
      this.hold(`${outcome.infra}; fix it, then run "flotilla merge resume"`);
      this.paused = true;
      return;
    }
    if (outcome.passed) {
      item.state = 'passed';
      this.passedTrees.add(item.candidate!.tree);
      this.listener.log(`merge: ${what} passed "${this.settings.test}" in ${(outcome.ms / 1000).toFixed(1)} s${item.tries > 1 ? ` on retry ${item.tries - 1} (a flaky test?)` : ''}`);
      return;
    }
    // Retried before anyone is turned down; a failing batch is split instead (its parts are tested anyway).
    if (item.entries.length === 1 && item.tries <= this.settings.retries) {
      item.state = 'waiting';
      this.listener.log(`merge: ${what} failed "${this.settings.test}" (${outcome.summary}); running it again in case the test is flaky`);
      return;
    }
    item.state = 'failed';
    item.failure = outcome;
    this.listener.log(`merge: ${what} failed "${this.settings.test}" (${outcome.summary}; log ${outcome.log})`);
  }

  /** Forget an item's candidate and call off its test: what it was built on changed. */
  private reset(item: MergeItem): void {
    for (const e of item.entries) if (this.underTest.delete(e.task)) this.listener.testing(e.task, null);
    item.cancel?.();
    item.cancel = undefined;
    item.run = undefined;
    item.state = 'waiting';
    item.tries = 0;
    item.candidate = undefined;
    item.conflict = undefined;
    item.failure = undefined;
  }

  /** Take the hold off and go on (merge resume). */
  resume(opts: { skipCheckout?: boolean } = {}): void {
    if (opts.skipCheckout) this.skipCheckout = true;
    this.paused = false;
    this.unhold();
    void this.kick();
  }
}

function names(entries: MergeEntry[]): string {
  return entries.length === 1 ? entries[0]!.task : `[${entries.map((e) => e.task).join(', ')}]`;
}
