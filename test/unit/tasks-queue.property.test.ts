import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replay } from '../../src/tasks/event-log.js';
import type { TaskEvent } from '../../src/tasks/events.js';
import { DependencyCycleError, TaskGraph } from '../../src/tasks/graph.js';
import { TaskQueue, type TimeoutPolicy } from '../../src/tasks/queue.js';
import type { StreamPhase, Task, TaskDef } from '../../src/tasks/task.js';

const PHASES = ['foundation', 'parallel', 'integration'] as const;
const FINISHED = new Set(['done', 'merged']);
const GAVE_UP = new Set(['failed', 'timed-out', 'cancelled']);

/**
 * A random DAG: edges only from a higher index to a lower one, then the ids
 * shuffled and the tasks handed over in another random order. Phases never
 * decrease with the index, so no task waits on a later phase.
 */
const missionArb = fc.integer({ min: 1, max: 10 }).chain((n) =>
  fc.record({
    names: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
    addOrder: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
    deps: fc.array(fc.array(fc.nat(n), { maxLength: 3 }), { minLength: n, maxLength: n }),
    phases: fc.array(fc.constantFrom<StreamPhase | null>(null, null, ...PHASES), { minLength: n, maxLength: n }),
    streamPick: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    priority: fc.array(fc.integer({ min: -2, max: 2 }), { minLength: n, maxLength: n }),
    retries: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n }),
    timeout: fc.array(fc.option(fc.integer({ min: 20, max: 200 }), { nil: null }), { minLength: n, maxLength: n }),
  }).map((g) => {
    const id = (i: number) => `t${g.names[i]}`;
    const ranked = g.phases.filter((p) => p !== null).sort((a, b) => PHASES.indexOf(a) - PHASES.indexOf(b));
    const defs: TaskDef[] = g.deps.map((ds, i) => {
      const phase = g.phases[i] === null ? null : ranked.shift()!;
      return {
        id: id(i),
        title: `task ${i}`,
        deps: [...new Set(ds.filter((d) => d < i))].map(id),
        priority: g.priority[i]!,
        retries: g.retries[i]!,
        timeoutMs: g.timeout[i]!,
        role: null,
        stream: phase === null ? null : { name: `${phase}-${g.streamPick[i] ? 'a' : 'b'}`, phase },
      };
    });
    return g.addOrder.map((i) => defs[i]!);
  }),
);

const WEIGHTS = { tick: 1, dispatch: 4, steal: 1, start: 4, complete: 2, fail: 2, timeout: 1, offline: 1, cancel: 1, retry: 1 } as const;
const OPS = Object.keys(WEIGHTS) as (keyof typeof WEIGHTS)[];
const stepArb = fc.record({
  op: fc.oneof(...OPS.map((op) => ({ arbitrary: fc.constant(op), weight: WEIGHTS[op] }))),
  pick: fc.nat(),
  ms: fc.integer({ min: 1, max: 120 }),
  requeue: fc.boolean(),
});

/** What the test itself believes, kept apart from the queue's own bookkeeping. */
function checkInvariants(q: TaskQueue, events: TaskEvent[], holding: Map<string, string>, clock: { now(): number }) {
  const tasks = q.list();
  for (const t of tasks) {
    if (t.state === 'assigned' || t.state === 'running') {
      const claimants = [...holding].filter(([, id]) => id === t.id).map(([o]) => o);
      expect(claimants).toEqual([t.orchestrator]);
    }
    if (FINISHED.has(t.state)) expect(t.deps.every((d) => FINISHED.has(q.get(d)!.state))).toBe(true);
  }
  for (const [orch, id] of holding) expect(q.get(id)).toMatchObject({ orchestrator: orch });
  const dones = new Map<string, number>();
  for (const e of events) if (e.to === 'done') dones.set(e.task, (dones.get(e.task) ?? 0) + 1);
  expect([...dones.values()].every((n) => n === 1)).toBe(true);
  expect(replay(events, { clock }).snapshot()).toEqual(q.snapshot());
}

/** Every move into ready/assigned/running must see its deps done and every earlier phase complete. */
function checkGate(q: TaskQueue, e: TaskEvent) {
  if (e.to !== 'ready' && e.to !== 'assigned' && e.to !== 'running') return;
  const t = q.get(e.task)!;
  for (const d of t.deps) expect(FINISHED.has(q.get(d)!.state), `${t.id} ${e.to} before dep ${d} is done`).toBe(true);
  if (!t.stream) return;
  const earlier = PHASES.slice(0, PHASES.indexOf(t.stream.phase));
  for (const o of q.list()) {
    if (o.stream && earlier.includes(o.stream.phase)) expect(FINISHED.has(o.state), `${t.id} ${e.to} before ${o.id} (${o.stream.phase})`).toBe(true);
  }
}

function simulate(defs: TaskDef[], fleet: number, steps: { op: (typeof OPS)[number]; pick: number; ms: number; requeue: boolean }[]) {
  const clock = { t: 0, now() { return this.t; } };
  const events: TaskEvent[] = [];
  let q!: TaskQueue;
  q = new TaskQueue({ clock, backoff: { baseMs: 10, maxMs: 40 }, onEvent: (e) => { events.push(e); checkGate(q, e); } });
  q.addAll(defs);
  const orchestrators = Array.from({ length: fleet }, (_, i) => `o${i}`);
  const holding = new Map<string, string>();
  let gaveUpByHand = false;
  const inState = (...states: string[]) => q.list().filter((t) => states.includes(t.state));
  const pick = <T>(xs: T[], n: number): T | undefined => xs[n % Math.max(1, xs.length)];
  const finish = (t: Task | undefined, how: (t: Task) => void) => {
    if (!t) return;
    holding.delete(t.orchestrator!);
    how(t);
  };
  const dispatch = (n: number) => {
    const idle = orchestrators.filter((o) => !holding.has(o));
    const t = pick(q.ready(), n);
    const o = pick(idle, n);
    if (!t || !o) return false;
    q.assign(t.id, o);
    holding.set(o, t.id);
    return true;
  };

  for (const s of steps) {
    switch (s.op) {
      case 'tick': clock.t += s.ms; break;
      case 'dispatch': dispatch(s.pick); break;
      case 'steal': {
        // A buggy dispatcher hands out a held task again, or a second task to a busy orchestrator: both refused.
        const held = pick([...holding], s.pick);
        if (!held) break;
        const other = orchestrators.find((o) => o !== held[0]);
        if (other) expect(() => q.assign(held[1], other)).toThrow();
        const next = q.ready()[0];
        if (next) expect(() => q.assign(next.id, held[0])).toThrow(`already holds task "${held[1]}"`);
        break;
      }
      case 'start': { const t = pick(inState('assigned'), s.pick); if (t) q.start(t.id); break; }
      case 'complete': finish(pick(inState('running'), s.pick), (t) => q.complete(t.id, `did ${t.id}`)); break;
      case 'fail': finish(pick(inState('running'), s.pick), (t) => q.fail(t.id, 'tests failed')); break;
      case 'timeout': {
        const t = pick(inState('running').filter((r) => r.state === 'running' && r.deadline !== null), s.pick);
        if (t?.state !== 'running') break;
        clock.t = Math.max(clock.t, t.deadline!);
        const policy: TimeoutPolicy = s.requeue ? 'requeue' : 'cancel';
        for (const x of q.expired()) finish(x, (y) => q.timeout(y.id, policy));
        break;
      }
      case 'offline': { const o = pick([...holding.keys()], s.pick); if (o) { holding.delete(o); q.release(o); } break; }
      case 'cancel': {
        if (s.pick % 4 !== 0) break;
        const t = pick(inState('pending', 'ready', 'assigned', 'running'), s.pick);
        if (t) { gaveUpByHand = true; if (t.orchestrator) holding.delete(t.orchestrator); q.cancel(t.id); }
        break;
      }
      case 'retry': { const t = pick(q.list().filter((x) => GAVE_UP.has(x.state)), s.pick); if (t) q.retry(t.id); break; }
    }
    checkInvariants(q, events, holding, clock);
  }

  // Drain: a well-behaved fleet finishes everything that can still run.
  for (let round = 0; round < 500; round++) {
    while (dispatch(0));
    for (const t of inState('assigned')) q.start(t.id);
    for (const t of inState('running')) finish(t, (x) => q.complete(x.id, 'ok'));
    checkInvariants(q, events, holding, clock);
    if (inState('pending', 'ready', 'assigned', 'running').length === 0) break;
    if (q.ready().length === 0) {
      const waits = inState('pending').flatMap((t) => (t.state === 'pending' && t.notBefore !== null ? [t.notBefore] : []));
      expect(waits.length, 'pending tasks with nothing to wait for: the queue is stuck').toBeGreaterThan(0);
      clock.t = Math.max(clock.t, Math.min(...waits));
    }
  }

  const final = q.list();
  for (const t of final) expect(FINISHED.has(t.state) || GAVE_UP.has(t.state), `${t.id} left ${t.state}`).toBe(true);
  const exhausted = final.some((t) => t.state === 'failed' || t.state === 'timed-out');
  if (!exhausted && !gaveUpByHand) expect(final.map((t) => t.state)).toEqual(final.map(() => 'done'));
  for (const t of final) {
    if (t.state === 'cancelled' && t.cause !== null) expect(GAVE_UP.has(q.get(t.cause)!.state)).toBe(true);
    if (t.state !== 'cancelled' || t.cause !== null) continue;
    expect(events.some((e) => e.task === t.id && e.to === 'cancelled' && e.reason === 'cancelled by hand')).toBe(true);
  }
  for (const t of final) {
    if (FINISHED.has(t.state)) expect(events.filter((e) => e.task === t.id && e.to === 'done')).toHaveLength(1);
    expect(t.attempts).toBeLessThanOrEqual(t.retries + 1);
  }
}

// TASKS_RUNS=5000 npx vitest run test/unit/tasks-queue.property.test.ts --testTimeout=600000 searches harder.
describe('TaskQueue under a random fleet', () => {
  it('keeps deps, phases, single ownership, retries and replay consistent', () => {
    fc.assert(
      fc.property(missionArb, fc.integer({ min: 1, max: 4 }), fc.array(stepArb, { minLength: 20, maxLength: 80, size: 'max' }), simulate),
      { numRuns: Number(process.env.TASKS_RUNS ?? 200) },
    );
  }, 120_000); // CPU-bound: 200 random fleets take ~10 s alone, longer beside other suites on 2 cores
});

describe('TaskGraph on random DAGs', () => {
  it('orders deps first, and a back edge is rejected with a real cycle', () => {
    fc.assert(
      fc.property(missionArb, fc.nat(), fc.nat(), (defs, a, b) => {
        const g = new TaskGraph();
        g.addAll(defs);
        const order = g.topologicalOrder();
        const at = new Map(order.map((id, i) => [id, i]));
        for (const d of defs) for (const dep of d.deps) expect(at.get(dep)!).toBeLessThan(at.get(d.id)!);
        const from = order[a % order.length]!;
        const to = order[b % order.length]!;
        // `to` depending on `from` would be a back edge exactly when `from` already reaches `to`.
        const closes = from === to || g.ancestors(from).has(to);
        if (!closes) return;
        let err: unknown;
        try {
          g.addDep(to, from);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(DependencyCycleError);
        const cycle = (err as DependencyCycleError).cycle;
        expect(cycle[0]).toBe(cycle.at(-1));
        expect(cycle.slice(0, 2)).toEqual([to, from]);
        for (let i = 1; i + 1 < cycle.length; i++) expect(g.depsOf(cycle[i]!)).toContain(cycle[i + 1]);
      }),
      { numRuns: 200 },
    );
  });
});
