import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { missionPaths } from '../../src/core/paths.js';
import { allEnded, announceEnd, endMessage } from '../../src/runs/run-end.js';
import { beginRun, openRun } from '../../src/runs/run.js';
import type { TaskState } from '../../src/tasks/task.js';

const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const tasks = (...states: TaskState[]) => states.map((state) => ({ state }));

describe('the end of a run', () => {
  test('comes when every task is done or given up, never with none or while one is still to do', () => {
    expect(allEnded(tasks('done', 'merged', 'failed', 'cancelled', 'timed-out'))).toBe(true);
    expect(allEnded(tasks('done', 'running'))).toBe(false);
    expect(allEnded(tasks('done', 'pending'))).toBe(false);
    expect(allEnded(tasks('done', 'queued'))).toBe(false);
    expect(allEnded(tasks('merged', 'testing'))).toBe(false);
    expect(allEnded(tasks('merged', 'changes-requested'))).toBe(false);
    expect(allEnded([])).toBe(false);
  });

  test('is said with the count, the wall time, the speedup and the command that stops the mission', () => {
    expect(endMessage(tasks('done', 'done', 'merged'), { wallMs: 58_400, taskMs: 181_000 }, './bin/flotilla down demo')).toBe(
      'all 3 tasks done in 58 s · speedup 3.1x · stop it with: ./bin/flotilla down demo',
    );
    expect(endMessage(tasks('done', 'failed', 'cancelled', 'done'), { wallMs: 10_000, taskMs: 15_000 }, 'flotilla down m --socket s')).toBe(
      'all 4 tasks ended in 10 s: 2 done, 1 failed, 1 cancelled · speedup 1.5x · stop it with: flotilla down m --socket s',
    );
  });

  test('is said once per run: in the log, to the attached clients, and recorded in run.json', async () => {
    const home = await mkdtemp(join(tmpdir(), 'flotilla-end-'));
    temps.push(home);
    const paths = missionPaths(home, 'm', 'sock');
    const run = await beginRun(paths, { mission: 'm', repo: '/repo', missionFile: '/repo/flotilla.yaml', socket: 'sock' }, home, () => {});
    const ev = (task: string, to: string, ts: number) => JSON.stringify({ event: 'transition', ts, task, orchestrator: 'a', from: 'x', to });
    await writeFile(paths.events, `${[ev('t1', 'running', 1000), ev('t1', 'done', 5000), ev('t2', 'running', 1000), ev('t2', 'done', 3000)].join('\n')}\n`);
    const logged: string[] = [];
    const told: string[] = [];
    const deps = { paths, stop: 'flotilla down m --socket sock', log: (m: string) => logged.push(m), tell: async (m: string) => void told.push(m) };

    expect(await announceEnd({ ...deps, run, tasks: tasks('done', 'running'), now: run.startedAt + 4000 })).toBe(false);
    expect(logged).toEqual([]);

    expect(await announceEnd({ ...deps, run, tasks: tasks('done', 'done'), now: run.startedAt + 4000 })).toBe(true);
    expect(told).toEqual(['all 2 tasks done in 4 s · speedup 1.5x · stop it with: flotilla down m --socket sock']);
    expect(logged.filter((l) => l.startsWith('all 2 tasks done'))).toHaveLength(1);
    const reopened = await openRun(paths);
    expect(reopened?.finishedAt).toBe(run.startedAt + 4000);

    // A restarted supervisor reads run.json: nothing is said again.
    expect(await announceEnd({ ...deps, run: reopened!, tasks: tasks('done', 'done'), now: run.startedAt + 9000 })).toBe(false);
    expect(told).toHaveLength(1);
  });

  test('a client that cannot be told does not stop the log line', async () => {
    const home = await mkdtemp(join(tmpdir(), 'flotilla-end-'));
    temps.push(home);
    const paths = missionPaths(home, 'm', undefined);
    const run = await beginRun(paths, { mission: 'm', repo: '/repo', missionFile: '/repo/flotilla.yaml', socket: null }, home, () => {});
    const logged: string[] = [];
    const said = await announceEnd({ paths, run, tasks: tasks('failed'), now: run.startedAt + 1000, stop: 'flotilla down m', log: (m) => logged.push(m), tell: () => Promise.reject(new Error('no server')) });
    expect(said).toBe(true);
    expect(logged).toContain('1 task ended in 1 s: 1 failed · speedup 0.0x · stop it with: flotilla down m');
    expect(logged.some((l) => l.includes('could not show the end'))).toBe(true);
  });
});
