import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/tasks/events.js';
import { taskDefsFromMission } from '../../src/tasks/from-mission.js';
import { progressBar } from '../../src/tasks/progress.js';
import { TaskQueue } from '../../src/tasks/queue.js';
import type { StreamPhase, TaskDef } from '../../src/tasks/task.js';

function def(id: string, over: Partial<TaskDef> = {}): TaskDef {
  return { id, title: `Task ${id}`, deps: [], priority: 0, retries: 0, timeoutMs: null, role: null, stream: null, ...over };
}
const inStream = (name: string, phase: StreamPhase) => ({ stream: { name, phase } });

function setup() {
  const clock = { t: 1_000, now() { return this.t; } };
  const events: TaskEvent[] = [];
  const q = new TaskQueue({ clock, backoff: { baseMs: 100, maxMs: 350 }, onEvent: (e) => events.push(e) });
  return { clock, events, q };
}

const replayed = (events: TaskEvent[]) => TaskQueue.fromEvents(events, { clock: { now: () => 0 } });
const ids = (tasks: { id: string }[]) => tasks.map((t) => t.id);

function run(q: TaskQueue, id: string, who = 'ann') {
  q.assign(id, who);
  return q.start(id);
}

describe('TaskQueue', () => {
  it('offers ready tasks by priority, then in the order they were added', () => {
    const { q } = setup();
    q.addAll([def('low', { priority: -1 }), def('a'), def('high', { priority: 5 }), def('b'), def('blocked', { priority: 9, deps: ['a'] })]);
    expect(ids(q.ready())).toEqual(['high', 'a', 'b', 'low']);
    expect(q.get('blocked')?.state).toBe('pending');
    run(q, 'a');
    q.complete('a', 'done');
    expect(ids(q.ready())).toEqual(['blocked', 'high', 'b', 'low']);
  });

  it('retries a failure after an exponential, capped backoff, then gives up and cancels dependents', () => {
    const { q, clock } = setup();
    q.addAll([def('flaky', { retries: 3 }), def('after', { deps: ['flaky'] })]);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      run(q, 'flaky');
      const t = q.fail('flaky', 'tests failed');
      expect(t.state).toBe('pending');
      const notBefore = t.state === 'pending' ? t.notBefore! : 0;
      waits.push(notBefore - clock.t);
      clock.t = notBefore - 1;
      expect(ids(q.ready())).toEqual([]);
      clock.t = notBefore;
      expect(ids(q.ready())).toEqual(['flaky']);
    }
    expect(waits).toEqual([100, 200, 350]);
    run(q, 'flaky');
    expect(q.get('flaky')?.attempts).toBe(4);
    expect(q.fail('flaky', 'still failing')).toMatchObject({ state: 'failed', reason: 'still failing', orchestrator: 'ann' });
    expect(q.get('after')).toMatchObject({ state: 'cancelled', cause: 'flaky' });
  });

  it('gates phases: parallel after foundation, integration after both; tasks outside streams run any time', () => {
    const { q } = setup();
    q.addAll([
      def('merge', inStream('glue', 'integration')),
      def('ui', inStream('front', 'parallel')),
      def('api', inStream('back', 'parallel')),
      def('schema', inStream('core', 'foundation')),
      def('lint'),
    ]);
    expect(ids(q.ready())).toEqual(['schema', 'lint']);
    run(q, 'schema');
    q.complete('schema', '');
    expect(ids(q.ready())).toEqual(['ui', 'api', 'lint']);
    run(q, 'ui');
    q.complete('ui', '');
    expect(ids(q.ready())).toEqual(['api', 'lint']);
    run(q, 'api');
    q.complete('api', '');
    expect(ids(q.ready())).toEqual(['merge', 'lint']);
  });

  it('sends a ready task back to pending when a new task reopens an earlier phase', () => {
    const { q } = setup();
    q.addAll([def('schema', inStream('core', 'foundation')), def('ui', inStream('front', 'parallel'))]);
    run(q, 'schema');
    q.complete('schema', '');
    expect(ids(q.ready())).toEqual(['ui']);
    q.add(def('auth', inStream('core', 'foundation')));
    expect(q.get('ui')?.state).toBe('pending');
    expect(ids(q.ready())).toEqual(['auth']);
  });

  it('reports progress per stream and draws bars', () => {
    const { q } = setup();
    q.addAll([
      def('s1', inStream('core', 'foundation')),
      def('s2', inStream('core', 'foundation')),
      def('s3', inStream('core', 'foundation')),
      def('u1', inStream('front', 'parallel')),
      def('x'),
    ]);
    run(q, 's1');
    q.complete('s1', '');
    expect(q.streamProgress()).toEqual([
      { name: 'core', phase: 'foundation', done: 1, total: 3, open: true },
      { name: 'front', phase: 'parallel', done: 0, total: 1, open: false },
    ]);
    expect(progressBar(1, 3, 9)).toBe('███░░░░░░');
    expect(progressBar(2, 3, 10, { full: '#', empty: '-' })).toBe('######----');
    expect(progressBar(5, 5, 4)).toBe('████');
    expect(progressBar(0, 0, 3)).toBe('░░░');
  });

  it('a later phase whose foundation gave up is cancelled, and comes back when it is retried', () => {
    const { q } = setup();
    q.addAll([def('base', inStream('core', 'foundation')), def('ui', inStream('front', 'parallel')), def('more', { deps: ['ui'] })]);
    run(q, 'base');
    q.fail('base', 'broken');
    expect(q.list().map((t) => [t.id, t.state])).toEqual([['base', 'failed'], ['ui', 'cancelled'], ['more', 'cancelled']]);
    const retried = q.retry('base');
    expect(retried).toMatchObject({ state: 'ready', attempts: 0 });
    expect(q.list().map((t) => t.state)).toEqual(['ready', 'pending', 'pending']);
  });

  it('brings back every task cancelled through a retried one, whatever order they were added in', () => {
    const { q } = setup();
    q.addAll([def('glue', inStream('glue', 'integration')), def('ui', inStream('front', 'parallel')), def('base', inStream('core', 'foundation'))]);
    run(q, 'base');
    q.fail('base', 'broken');
    // Retrying glue alone cannot help: it is cancelled again, now blamed on ui, itself cancelled because of base.
    expect(q.retry('glue')).toMatchObject({ state: 'cancelled', cause: 'ui' });
    q.retry('base');
    expect(q.list().map((t) => t.state)).toEqual(['pending', 'pending', 'ready']);
  });

  it('releases an offline orchestrator\'s task without counting the attempt', () => {
    const { q } = setup();
    q.add(def('a', { retries: 0 }));
    run(q, 'a', 'ann');
    expect(q.get('a')?.attempts).toBe(1);
    expect(q.release('ann')?.state).toBe('ready');
    expect(q.get('a')?.attempts).toBe(0);
    expect(q.release('ann')).toBeUndefined();
    q.assign('a', 'bob');
    expect(() => q.assign('a', 'cy')).toThrow('cannot go from assigned to assigned');
  });

  it('with a merge gate, a done task goes to the merge queue and only a merged one lets its dependents start', () => {
    const events: TaskEvent[] = [];
    const q = new TaskQueue({ clock: { now: () => 1000 }, onEvent: (e) => events.push(e), mergeGate: true });
    q.addAll([def('a'), def('b', { deps: ['a'] })]);
    run(q, 'a');
    expect(q.complete('a', 'shipped', 'abc123')).toMatchObject({ state: 'queued', head: 'abc123', summary: 'shipped' });
    expect(q.ready().map((t) => t.id)).toEqual([]);
    q.testing('a', { candidate: 'c1', tree: 't1' });
    expect(q.get('a')).toMatchObject({ state: 'testing', head: 'abc123' });
    expect(q.reject('a', 'tests failed', '/fb/a-1.md', 3)).toMatchObject({ state: 'changes-requested', orchestrator: 'ann', rejections: 1, feedback: '/fb/a-1.md' });
    expect(q.dispatchable().map((t) => t.id)).toEqual(['a']);
    q.assign('a', 'bob');
    q.start('a');
    q.complete('a', 'fixed', 'def456');
    expect(q.get('a')).toMatchObject({ state: 'queued', head: 'def456', rejections: 1, feedback: null });
    expect(q.merged('a', 'land1')).toMatchObject({ state: 'merged', landed: 'land1', summary: 'fixed', orchestrator: 'bob' });
    expect(q.ready().map((t) => t.id)).toEqual(['b']);
    expect(replayed(events).snapshot()).toEqual(q.snapshot());
    expect(events.filter((e) => e.task === 'a').map((e) => e.to)).toEqual(['pending', 'ready', 'assigned', 'running', 'done', 'queued', 'testing', 'changes-requested', 'assigned', 'running', 'done', 'queued', 'merged']);
  });

  it('fails a task for good after max_attempts rejections, and a fix attempt does not use a retry', () => {
    const q = new TaskQueue({ clock: { now: () => 1000 }, mergeGate: true });
    q.add({ ...def('a'), retries: 0 });
    run(q, 'a');
    q.complete('a', 'one', 'h1');
    q.reject('a', 'conflict in api.ts', '/fb/1', 2);
    q.assign('a', 'ann');
    q.start('a');
    // The fix attempt fails: that is the task's first failure, and it has no retries: failed.
    expect(q.fail('a', 'gave up').state).toBe('failed');
    q.retry('a');
    expect(q.get('a')).toMatchObject({ rejections: 0, feedback: null });
    run(q, 'a');
    q.complete('a', 'two', 'h2');
    q.reject('a', 'tests failed', '/fb/2', 2);
    q.assign('a', 'ann');
    q.start('a');
    q.complete('a', 'three', 'h3');
    expect(q.reject('a', 'tests failed again', '/fb/3', 2)).toMatchObject({ state: 'failed', rejections: 2 });
    const a = q.get('a');
    expect(a?.state === 'failed' ? a.reason : '').toContain('turned down by the merge queue 2 times');
  });

  it('will not give one orchestrator two tasks', () => {
    const { q } = setup();
    q.addAll([def('a'), def('b')]);
    q.ready();
    q.assign('a', 'ann');
    expect(() => q.assign('b', 'ann')).toThrow('orchestrator "ann" already holds task "a"');
  });

  it('finds expired tasks and requeues or gives up on them by policy', () => {
    const { q, clock } = setup();
    q.addAll([def('slow', { timeoutMs: 500, retries: 1 }), def('stuck', { timeoutMs: 500 }), def('next', { deps: ['stuck'] })]);
    q.ready();
    run(q, 'slow', 'ann');
    run(q, 'stuck', 'bob');
    clock.t += 499;
    expect(q.expired()).toEqual([]);
    clock.t += 1;
    expect(ids(q.expired())).toEqual(['slow', 'stuck']);
    expect(q.timeout('slow', 'requeue')).toMatchObject({ state: 'pending', notBefore: clock.t + 100 });
    expect(q.timeout('stuck', 'cancel').state).toBe('timed-out');
    expect(q.get('next')).toMatchObject({ state: 'cancelled', cause: 'stuck' });
  });

  it('rejects a cycle or an unknown dep without adding anything', () => {
    const { q, events } = setup();
    expect(() => q.addAll([def('a', { deps: ['b'] }), def('b', { deps: ['a'] })])).toThrow('dependency cycle: a -> b -> a');
    expect(() => q.add(def('c', { deps: ['nope'] }))).toThrow('unknown task "nope"');
    expect(q.list()).toEqual([]);
    expect(events).toEqual([]);
  });

  it('rejects a task that would wait on a later phase, even through a task outside streams', () => {
    const { q } = setup();
    q.add(def('ui', inStream('front', 'parallel')));
    q.add(def('glue', { deps: ['ui'] }));
    expect(() => q.add(def('schema', { ...inStream('core', 'foundation'), deps: ['glue'] }))).toThrow(
      'task "schema" (phase foundation) depends on "ui" (phase parallel), so it could never start',
    );
    expect(() => q.add(def('x', inStream('front', 'integration')))).toThrow('puts stream "front" in phase integration, but it is parallel');
    expect(ids(q.list())).toEqual(['ui', 'glue']);
  });

  it('logs each transition with ts, task, orchestrator, from, to and attempt', () => {
    const { q, events } = setup();
    q.add(def('a'));
    run(q, 'a', 'ann');
    q.complete('a', 'shipped');
    expect(events.map((e) => [e.from, e.to, e.orchestrator, e.attempt])).toEqual([
      [null, 'pending', null, 0],
      ['pending', 'ready', null, 0],
      ['ready', 'assigned', 'ann', 0],
      ['assigned', 'running', 'ann', 1],
      ['running', 'done', 'ann', 1],
    ]);
    expect(events.at(-1)).toEqual({ event: 'transition', ts: 1_000, task: 'a', orchestrator: 'ann', from: 'running', to: 'done', attempt: 1, summary: 'shipped' });
  });

  it('survives a snapshot round trip through JSON', () => {
    const { q, clock } = setup();
    q.addAll([def('a', { timeoutMs: 10 }), def('b', { deps: ['a'] })]);
    run(q, 'a');
    const restored = TaskQueue.restore(JSON.parse(JSON.stringify(q.snapshot())), { clock });
    expect(restored.snapshot()).toEqual(q.snapshot());
    restored.complete('a', '');
    expect(ids(restored.ready())).toEqual(['b']);
  });

  it('builds definitions from a mission', () => {
    const defs = taskDefsFromMission({
      streams: [{ name: 'core', phase: 'foundation' }],
      tasks: [
        { id: 'a', title: 'A', stream: 'core', timeout: 90, retries: 2, prompt: 'Do A.' },
        { id: 'b', title: 'B', deps: ['a'], priority: 3, role: 'qa', sim: { duration_ms: 5 } },
      ],
    });
    expect(defs).toEqual([
      { id: 'a', title: 'A', deps: [], priority: 0, retries: 2, timeoutMs: 90_000, role: null, stream: { name: 'core', phase: 'foundation' }, body: 'Do A.' },
      { id: 'b', title: 'B', deps: ['a'], priority: 3, retries: 0, timeoutMs: null, role: 'qa', stream: null, sim: { duration_ms: 5 } },
    ]);
  });
});
