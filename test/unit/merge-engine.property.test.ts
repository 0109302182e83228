import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CandidatePart, CandidateResult } from '../../src/git/candidate.js';
import type { LandResult } from '../../src/git/land.js';
import { MergeEngine, type MergePorts } from '../../src/merge/engine.js';
import type { TestOutcome } from '../../src/merge/entry.js';
import { TaskQueue } from '../../src/tasks/queue.js';
import type { TaskDef } from '../../src/tasks/task.js';

/** How a task's first attempt behaves; a fix (after a rejection) is always good and rebased. */
type Kind = 'good' | 'bad' | 'flaky' | 'conflict';

/**
 * A model of git: a commit is its parent plus one task's head; its tree is the
 * set of heads in its chain. Two first attempts of kind "conflict" edit the same
 * lines, so the second one to be built on a chain holding the first conflicts.
 */
class FakeRepo implements MergePorts {
  base_ = 'c0';
  readonly chain = new Map<string, string[]>([['c0', []]]);
  readonly kinds = new Map<string, Kind>();
  readonly passedTrees = new Set<string>();
  readonly testedOnce = new Set<string>();
  readonly pending: { tree: string; resolve: (o: TestOutcome) => void; cancelled: boolean }[] = [];
  /** Every value the engine set the base to, and the external moves. */
  readonly landings: string[] = [];
  external = 0;

  async base() {
    return this.base_;
  }
  async contains(base: string, head: string) {
    return head === 'empty' || this.chain.get(base)!.includes(head);
  }
  async build(parent: string, parts: CandidatePart[]): Promise<CandidateResult> {
    let commit = parent;
    const made: { task: string; commit: string | null }[] = [];
    for (const p of parts) {
      const heads = this.chain.get(commit)!;
      if (this.kinds.get(p.head) === 'conflict' && heads.some((h) => h !== p.head && this.kinds.get(h) === 'conflict')) {
        return { ok: false, conflict: { task: p.task, files: ['shared.txt'] }, parts: made };
      }
      const next = `${commit}+${p.head}`;
      this.chain.set(next, [...heads, p.head]);
      commit = next;
      made.push({ task: p.task, commit });
    }
    return { ok: true, commit, tree: this.treeOf(commit), parts: made };
  }
  treeOf(commit: string) {
    return [...this.chain.get(commit)!].sort().join(',');
  }
  test(run: { commit: string; tree: string }) {
    const entry = { tree: run.tree, resolve: (_o: TestOutcome) => {}, cancelled: false };
    const result = new Promise<TestOutcome>((resolve) => (entry.resolve = resolve));
    this.pending.push(entry);
    return { result, cancel: () => (entry.cancelled = true) };
  }
  /** Finish the test at `pick` (modulo the number pending): bad heads fail, a flaky one fails the first run that holds it. */
  finishOne(pick: number): boolean {
    const live = this.pending.filter((p) => !p.cancelled);
    this.pending.splice(0, this.pending.length, ...live);
    if (live.length === 0) return false;
    const p = live[pick % live.length]!;
    this.pending.splice(this.pending.indexOf(p), 1);
    const heads = p.tree === '' ? [] : p.tree.split(',');
    let passed = !heads.some((h) => this.kinds.get(h) === 'bad');
    // A flaky entry fails the first test run that holds it, once: a retry (or any later run) passes.
    const flaky = heads.filter((h) => this.kinds.get(h) === 'flaky' && !this.testedOnce.has(h));
    if (passed && flaky.length > 0) passed = false;
    for (const h of flaky) this.testedOnce.add(h);
    if (passed) this.passedTrees.add(p.tree);
    p.resolve({ passed, summary: passed ? 'exit 0' : 'exit 1', log: '/dev/null', tail: [], ms: 1 });
    return true;
  }
  async land(old: string, next: string): Promise<LandResult> {
    if (this.base_ !== old) return { outcome: 'moved', now: this.base_ };
    this.base_ = next;
    this.landings.push(next);
    return { outcome: 'landed', checkouts: [] };
  }
  /** Someone pushes a good commit of their own to the base. */
  pushElsewhere() {
    const head = `ext${this.external++}`;
    this.kinds.set(head, 'good');
    const next = `${this.base_}+${head}`;
    this.chain.set(next, [...this.chain.get(this.base_)!, head]);
    this.base_ = next;
  }
  message() {
    return 'm';
  }
}

const scenario = fc.record({
  kinds: fc.array(fc.constantFrom<Kind>('good', 'good', 'good', 'bad', 'flaky', 'conflict'), { minLength: 1, maxLength: 14 }),
  deps: fc.array(fc.array(fc.nat(), { maxLength: 2 }), { minLength: 14, maxLength: 14 }),
  parallel: fc.integer({ min: 1, max: 4 }),
  batch: fc.integer({ min: 1, max: 5 }),
  retries: fc.integer({ min: 0, max: 1 }),
  steps: fc.array(fc.record({ what: fc.constantFrom('start', 'start', 'finish', 'finish', 'finish', 'push'), pick: fc.nat() }), { minLength: 10, maxLength: 120 }),
});

const def = (id: string, deps: string[]): TaskDef => ({ id, title: id, deps, priority: 0, retries: 0, timeoutMs: null, role: null, stream: null });

describe('the merge queue (property)', () => {
  it('the base only ever points at a tree that passed, every task lands once, and no dependent starts before its dependency merged', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const repo = new FakeRepo();
        const queue = new TaskQueue({ clock: { now: () => 0 }, mergeGate: true });
        const n = s.kinds.length;
        const ids = s.kinds.map((_k, i) => `t${i}`);
        queue.addAll(ids.map((id, i) => def(id, [...new Set((s.deps[i] ?? []).filter((d) => d < i).map((d) => ids[d % Math.max(1, i)]!))].filter((d) => d !== id))));
        const merges = new Map<string, number>();
        const logs: string[] = [];
        const attempt = new Map<string, number>();
        const engine = new MergeEngine(
          repo,
          {
            testing: (task, on) => queue.testing(task, on),
            merged: (task, landed) => {
              merges.set(task, (merges.get(task) ?? 0) + 1);
              queue.merged(task, landed);
            },
            rejected: (task) => queue.reject(task, 'turned down', 'feedback', 100),
            held: () => undefined,
            tested: () => undefined,
            log: (m) => logs.push(m),
          },
          { test: 'test', parallel: s.parallel, batch: s.batch, retries: s.retries },
        );
        const start = (id: string) => {
          const t = queue.get(id)!;
          for (const d of t.deps) expect(queue.get(d)?.state, `${id} started before its dependency ${d} merged`).toBe('merged');
          const k = attempt.get(id) ?? 0;
          attempt.set(id, k + 1);
          const head = `${id}.${k}`;
          // A first attempt behaves as drawn; a fix is good. A flaky test is beaten by a retry only.
          repo.kinds.set(head, k === 0 ? s.kinds[Number(id.slice(1))]! : 'good');
          queue.assign(id, 'o');
          queue.start(id);
          queue.complete(id, 'done', head);
          engine.add({ task: id, orchestrator: 'o', head, title: id, summary: '', priority: 0, at: 0 });
        };
        const step = async (what: string, pick: number) => {
          if (what === 'start') {
            const ready = queue.dispatchable();
            if (ready.length > 0) start(ready[pick % ready.length]!.id);
          } else if (what === 'finish') {
            repo.finishOne(pick);
          } else if (pick % 4 === 0) {
            repo.pushElsewhere();
          }
          await engine.kick();
        };
        for (const { what, pick } of s.steps) await step(what, pick);
        // Then run everything to the end: start what can start, finish every test.
        for (let guard = 0; guard < 5000; guard++) {
          const ready = queue.dispatchable();
          if (ready.length > 0) start(ready[0]!.id);
          else if (!repo.finishOne(guard)) {
            await engine.kick();
            if (queue.dispatchable().length === 0 && repo.pending.length === 0) break;
          }
          await engine.kick();
        }
        for (const landing of repo.landings) {
          expect(repo.passedTrees.has(repo.treeOf(landing)), `the base pointed at ${landing}, whose tree never passed`).toBe(true);
          expect(repo.chain.get(landing)!.some((h) => repo.kinds.get(h) === 'bad'), `a bad entry landed in ${landing}`).toBe(false);
        }
        if (logs.some((l) => l.includes("trying again"))) throw new Error(logs.join("\n"));
        expect(engine.size).toBe(0);
        for (const id of ids) {
          expect(queue.get(id)?.state, `${id} (${s.kinds[Number(id.slice(1))]}):\n${logs.join('\n')}`).toBe('merged');
          expect(merges.get(id), `${id} landed more than once`).toBe(1);
        }
        // A good first attempt is never turned down: only a conflict or a bad entry is. Without retries a flaky
        // test can fail a good entry's run (the flaky one ahead of it in the stack), as in any queue.
        const blameFree = s.retries > 0 || !s.kinds.includes('flaky');
        for (const [i, kind] of s.kinds.entries()) if (kind === 'good' && blameFree) expect(attempt.get(ids[i]!), `good ${ids[i]} was turned down:\n${logs.join("\n")}`).toBe(1);
        expect(n).toBe(ids.length);
      }),
      { numRuns: 400, ...(process.env.PROP_SEED ? { seed: Number(process.env.PROP_SEED), path: process.env.PROP_PATH, endOnFailure: true } : {}) },
    );
  });
});
