import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git } from '../helpers/git-repo.js';
import { makeFleetEnv, simMission, type FleetEnv } from '../helpers/fleet-env.js';

/** Every run is its own: down archives it, the next up starts the tasks fresh, repositories never share state. */
let f: FleetEnv;
beforeEach(async () => {
  f = await makeFleetEnv();
});
afterEach(async () => {
  await f.cleanup();
});

interface RunJson {
  id: string;
  mission: string;
  repo: string;
  ended: string;
  summary: { tasks: { id: string; state: string }[]; counts: Record<string, number>; speedup: number };
}

describe('runs', () => {
  it('the demo run twice, in two directories, works twice: each repository holds its own commits, runs lists both', async () => {
    const dirs = [join(f.repo.scratch, 'demo-a'), join(f.repo.scratch, 'demo-b')];
    for (const dir of dirs) {
      const r = await f.flotilla(['demo', '--headless', '--fast', '--dir', dir], { timeoutMs: 120_000 });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/all tasks done: 9 tasks/);
      // Nine task commits landed on this repository's main by the merge queue, one per task, made by this run.
      const trailers = (await git(dir, 'log', '--first-parent', '--format=%(trailers:key=Flotilla-Task,valueonly)', 'main')).split('\n').filter(Boolean);
      expect(new Set(trailers).size, trailers.join('\n')).toBe(9);
      // down without --force keeps nothing: every branch landed.
      const down = await f.flotilla(['down', 'demo']);
      expect(down.code, down.stderr).toBe(0);
      expect(down.stdout).toMatch(/archived run demo-\S+: 9 tasks \(9 merged\)/);
      expect(down.stdout).not.toMatch(/kept/);
      expect(await git(dir, 'branch', '--list')).toBe('* main');
    }
    const runs = JSON.parse((await f.flotilla(['runs', '--json'])).stdout) as RunJson[];
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => r.repo).sort()).toEqual([...dirs].sort());
    for (const r of runs) {
      expect(r).toMatchObject({ mission: 'demo', ended: 'down' });
      expect(r.summary.counts).toEqual({ merged: 9 });
      expect(existsSync(join(f.home, 'runs', r.id, 'events.jsonl'))).toBe(true);
      expect(await readFile(join(f.home, 'runs', r.id, 'summary.txt'), 'utf8')).toContain('9 tasks: 9 merged');
    }
    expect((await f.flotilla(['runs'])).stdout).toMatch(/demo-\S+\s+demo\s+.*9 merged; wall \d/);
  }, 300_000);

  it('a task added after every task ended: the run goes on, and its wall time runs to the new end', async () => {
    await f.writeMission(simMission('later', 1, 'tasks:\n  - { id: t1, title: One, sim: { duration_ms: 300 } }\n'));
    const first = await f.flotilla(['up', '--wait', '--timeout', '60'], { timeoutMs: 70_000 });
    expect(first.code, first.stdout).toBe(0);
    const firstWall = Number(/wall time ([\d.]+)s/.exec(first.stdout)?.[1]);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await f.flotilla(['task', 'add', 'Later one'])).code).toBe(0);
    const second = await f.flotilla(['up', '--wait', '--timeout', '60'], { timeoutMs: 70_000 });
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toMatch(/all tasks done: 2 tasks/);
    // From the run's start to the second end: past the 2 s pause, not the first run's figure again.
    expect(Number(/wall time ([\d.]+)s/.exec(second.stdout)?.[1]) - firstWall).toBeGreaterThan(2);
    const log = await readFile(join(f.home, 'missions', f.socket, 'later', 'supervisor.log'), 'utf8');
    expect(log).toContain('the run goes on: a task was added after every task had ended');
    // The end is said again, for both tasks.
    expect(log).toMatch(/1 task done in \d+ s · speedup/);
    expect(log).toMatch(/all 2 tasks done in \d+ s · speedup/);
  }, 120_000);

  it("up after down starts the mission's tasks fresh; up --fresh --yes discards an open run", async () => {
    await f.writeMission(simMission('again', 2, 'tasks:\n  - { id: t1, title: One, sim: { duration_ms: 300 } }\n'));
    const first = await f.flotilla(['up', '--wait', '--timeout', '60'], { timeoutMs: 70_000 });
    expect(first.code, first.stdout).toBe(0);
    expect((await f.flotilla(['down', '--force'])).code).toBe(0);
    const second = await f.flotilla(['up', '--wait', '--timeout', '60'], { timeoutMs: 70_000 });
    expect(second.code, second.stdout).toBe(0);
    // The task ran again: two done events in the archive, one in the open run.
    const events = (await f.flotilla(['events', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { task: string; to: string });
    expect(events.filter((e) => e.to === 'done')).toHaveLength(1);
    // up --wait again on the finished run: its wall time is the run's (from its start to its end),
    // as the end-of-run message and the archive give it, not this command's 0.2 s ("speedup 86x").
    await new Promise((r) => setTimeout(r, 1500));
    const later = await f.flotilla(['up', '--wait', '--timeout', '30'], { timeoutMs: 40_000 });
    const wall = Number(/wall time ([\d.]+)s/.exec(later.stdout)?.[1]);
    const secondWall = Number(/wall time ([\d.]+)s/.exec(second.stdout)?.[1]);
    expect(later.stdout).toContain('is already running');
    expect(Math.abs(wall - secondWall), `${second.stdout}\n${later.stdout}`).toBeLessThan(1);
    expect((await f.flotilla(['down', '--force'])).code).toBe(0);

    // An open run left by a supervisor that is gone: --fresh without --yes and no terminal refuses, --yes archives it.
    expect((await f.flotilla(['up'])).code).toBe(0);
    const pid = (await f.status()).supervisor.pid;
    process.kill(pid, 'SIGKILL');
    const refused = await f.flotilla(['up', '--fresh']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('add --yes to confirm');
    const fresh = await f.flotilla(['up', '--fresh', '--yes']);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stdout).toMatch(/archived the open run again-\S+; starting fresh/);
    const runs = JSON.parse((await f.flotilla(['runs', '--json'])).stdout) as RunJson[];
    expect(runs.map((r) => r.ended)).toEqual(['fresh', 'down', 'down']);
  }, 180_000);

  it('down keeps the branches with unmerged work and says how to delete them; down --force leaves no branch of the run', async () => {
    const tasks = Array.from({ length: 6 }, (_, i) => `  - { id: t${i + 1}, title: Task ${i + 1}, sim: { duration_ms: 200 } }`).join('\n');
    await f.writeMission(simMission('clean', 2, `tasks:\n${tasks}\n`));
    const up = await f.flotilla(['up', '--wait', '--timeout', '90'], { timeoutMs: 100_000 });
    expect(up.code, up.stdout).toBe(0);
    const branches = async () => (await git(f.repo.dir, 'branch', '--list', 'flotilla/clean/*', '--format=%(refname:short)')).split('\n').filter(Boolean);
    expect((await branches()).length).toBeGreaterThanOrEqual(6);
    // An unrelated branch under another mission's prefix is never touched.
    await git(f.repo.dir, 'branch', 'flotilla/other/keep-me');

    const down = await f.flotilla(['down']);
    expect(down.code, down.stderr).toBe(0);
    // Every sim task committed: each task branch is kept and listed, with the command that deletes it
    // (or, when a kept worktree has it checked out, with that worktree).
    const taskBranches = (await branches()).filter((b) => /\/t\d$/.test(b));
    expect(taskBranches).toHaveLength(6);
    for (const b of taskBranches) {
      const alone = down.stdout.includes(`kept branch ${b}: has commits not merged into the base branch (delete it with: git branch -D ${b})`);
      const inWorktree = new RegExp(`kept \\S+ \\(o\\d, branch ${b}\\): has commits not merged`).test(down.stdout);
      expect(alone || inWorktree, `${b}\n${down.stdout}`).toBe(true);
    }
    // The hint is a command that works as typed: the mission and its tmux server named.
    expect(down.stdout).toContain(`down clean --socket ${f.socket} --force" to delete it anyway`);
    // The orchestrators' own start branches hold nothing: gone.
    expect(await branches()).not.toContain('flotilla/clean/o1');

    const forced = await f.flotilla(['down', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await branches()).toEqual([]);
    expect((await git(f.repo.dir, 'worktree', 'list')).split('\n')).toHaveLength(1);
    expect(await git(f.repo.dir, 'branch', '--list', 'flotilla/other/keep-me')).toContain('keep-me');
    // Once more: nothing is left, and nothing is said to be removed again.
    const again = await f.flotilla(['down', 'clean', '--force']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('removed worktree');
  }, 150_000);
});
