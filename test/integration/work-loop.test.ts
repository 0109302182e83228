import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MissionStatus } from '../../src/supervisor/status.js';
import { git } from '../helpers/git-repo.js';
import { makeFleetEnv, retryUntil, type FleetEnv } from '../helpers/fleet-env.js';

interface Ev { ts: number; task: string; orchestrator: string | null; from: string | null; to: string }

let f: FleetEnv;
beforeEach(async () => {
  f = await makeFleetEnv();
});
afterEach(async () => {
  await f.cleanup();
});

const events = async (): Promise<Ev[]> =>
  (await f.flotilla(['events', '--json'])).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Ev);
const ms = (iso: string | number) => (typeof iso === 'number' ? iso : Date.parse(iso));

/** 30 tasks: 2 foundation, 24 parallel in chains of dependencies, 4 integration. */
function bigMission(name: string): string {
  const tasks: string[] = [];
  tasks.push('  - { id: base-a, title: Base A, stream: found, sim: { duration_ms: 400, file: base/a.txt } }');
  tasks.push('  - { id: base-b, title: Base B, stream: found, sim: { duration_ms: 300, file: base/b.txt } }');
  for (let i = 1; i <= 24; i++) {
    const deps = i % 3 === 1 ? '[]' : `[p${i - 1}]`;
    tasks.push(`  - { id: p${i}, title: Parallel ${i}, stream: work, deps: ${deps}, priority: ${i % 5}, sim: { duration_ms: ${150 + (i % 4) * 100}, file: work/p${i}.txt } }`);
  }
  for (let i = 1; i <= 4; i++) tasks.push(`  - { id: int-${i}, title: Integrate ${i}, stream: last, deps: [p${i * 6}], sim: { duration_ms: 200, file: int/${i}.txt } }`);
  return [
    `name: ${name}`,
    'agent: { kind: sim }',
    'orchestrators:',
    ...['a1', 'a2', 'a3', 'a4'].map((n) => `  - { name: ${n}, role: backend-dev }`),
    'streams:',
    '  - { name: found, phase: foundation }',
    '  - { name: work, phase: parallel }',
    '  - { name: last, phase: integration }',
    'tasks:',
    ...tasks,
    '',
  ].join('\n');
}

/** Every task ran exactly once, never before its dependencies, phases in order. */
function checkExactlyOnce(evs: Ev[], tasks: MissionStatus['tasks']): void {
  for (const t of tasks) {
    const doneEvents = evs.filter((e) => e.task === t.id && e.to === 'done');
    expect(doneEvents, `${t.id} done events`).toHaveLength(1);
    const runs = evs.filter((e) => e.task === t.id && e.to === 'running');
    const firstRun = ms(runs[0]!.ts);
    for (const dep of t.deps) {
      const depDone = evs.find((e) => e.task === dep && e.to === 'done')!;
      expect(ms(depDone.ts), `${dep} done before ${t.id} starts`).toBeLessThanOrEqual(firstRun);
    }
  }
}

describe('the work loop', () => {
  it('runs 30 tasks with dependencies and streams on 4 orchestrators to the end, each exactly once', async () => {
    await f.writeMission(bigMission('big'));
    const up = await f.flotilla(['up', '--wait', '--timeout', '150'], { timeoutMs: 170_000 });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toMatch(/all tasks done: 30 tasks, wall time [\d.]+s, task time [\d.]+s, speedup [\d.]+x/);
    const s = await f.status();
    expect(s.tasks.every((t) => t.state === 'done' && t.attempts === 1)).toBe(true);
    const evs = await events();
    checkExactlyOnce(evs, s.tasks);
    const foundationDone = Math.max(...evs.filter((e) => e.task.startsWith('base-') && e.to === 'done').map((e) => ms(e.ts)));
    const firstParallel = Math.min(...evs.filter((e) => /^p\d+$/.test(e.task) && e.to === 'running').map((e) => ms(e.ts)));
    expect(foundationDone).toBeLessThanOrEqual(firstParallel);
    // every orchestrator got work, and each task's commit sits on its own branch
    expect(new Set(s.tasks.map((t) => t.orchestrator)).size).toBe(4);
    expect(await git(f.repo.dir, 'log', '--format=%s', 'flotilla/big/p7')).toContain('Task p7: Parallel 7');
    const status2 = await f.flotilla(['status']);
    expect(status2.stdout).toMatch(/work\s+parallel\s+[█]+\s+24\/24/);
  }, 200_000);

  it('survives three SIGKILLs of the supervisor mid-run: every task done exactly once', async () => {
    await f.writeMission(bigMission('kills'));
    expect((await f.flotilla(['up'])).code).toBe(0);
    for (let k = 0; k < 3; k++) {
      const before = await f.status();
      await retryUntil(async () => (await f.status()).tasks.filter((t) => t.state === 'done').length > before.tasks.filter((t) => t.state === 'done').length + 2, {
        what: 'progress',
        timeoutMs: 60_000,
      });
      process.kill((await f.status()).supervisor.pid, 'SIGKILL');
      await retryUntil(async () => !(await f.status()).supervisor.alive, { what: 'supervisor dead' });
      const up = await f.flotilla(['up']);
      expect(up.code, up.stderr).toBe(0);
    }
    const s = await retryUntil(async () => {
      const s = await f.status();
      return s.tasks.every((t) => t.state === 'done') && s;
    }, { what: 'all done', timeoutMs: 150_000 });
    checkExactlyOnce(await events(), s.tasks);
    // and each task's work was committed exactly once
    for (const t of s.tasks) {
      const subjects = (await git(f.repo.dir, 'log', '--all', '--format=%s')).split('\n').filter((l) => l.startsWith(`Task ${t.id}:`));
      expect(subjects, t.id).toHaveLength(1);
    }
  }, 240_000);
});
