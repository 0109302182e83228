import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFleetEnv, retryUntil, simMission, type FleetEnv } from '../helpers/fleet-env.js';
import { canMount, mountTinyDisk, type TinyDisk } from '../helpers/tiny-disk.js';

/** $FLOTILLA_HOME on a small disk that fills up: clear errors, nothing lost, the supervisor never dies of it. */
let f: FleetEnv | undefined;
let disk: TinyDisk | undefined;
afterEach(async () => {
  disk?.free();
  await f?.cleanup();
  disk?.unmount();
  f = undefined;
  disk = undefined;
});

const tempFiles = (dir: string) => (existsSync(dir) ? execFileSync('find', [dir, '-name', '*.tmp'], { encoding: 'utf8' }).trim() : '');

describe.runIf(canMount)('a full disk', () => {
  it('before up: refused before anything starts, with the path and the room needed; nothing made', async () => {
    disk = mountTinyDisk(2048);
    f = await makeFleetEnv({ home: join(disk.dir, 'home') });
    await f.writeMission(simMission('full', 2, 'tasks:\n  - { id: t1, title: One }\n'));
    disk.fill();
    const up = await f.flotilla(['up']);
    expect(up.code).toBe(2);
    expect(up.stderr).toMatch(/only \d+ KB free for FLOTILLA_HOME \(.*home\); Flotilla needs at least 5 MB there/);
    expect(up.stderr).not.toContain('internal error');
    expect(tempFiles(disk.dir)).toBe('');
    expect(existsSync(join(f.repo.dir, '.flotilla', 'worktrees', 'o1'))).toBe(false);
    expect(await f.tmux(['has-session', '-t', '=flotilla-full']).then(() => true, () => false)).toBe(false);
  }, 60_000);

  it('during start-up: the start fails with the reason, and what it made (worktrees, branches, session) is gone', async () => {
    disk = mountTinyDisk(8 * 1024);
    f = await makeFleetEnv({ home: join(disk.dir, 'home') });
    // The setup step holds bring-up after the worktrees are made; the disk fills meanwhile.
    await f.writeMission(simMission('full', 2, 'setup: { run: ["sleep 2"] }\ntasks:\n  - { id: t1, title: One }\n'));
    const up = f.flotilla(['up']);
    await retryUntil(async () => existsSync(join(f!.repo.dir, '.flotilla', 'worktrees', 'o2')), { what: 'the worktrees', timeoutMs: 30_000 });
    disk.fill();
    const r = await up;
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toMatch(/no space left on device|KB free/);
    expect(existsSync(join(f.repo.dir, '.flotilla', 'worktrees', 'o1'))).toBe(false);
    expect(existsSync(join(f.repo.dir, '.flotilla', 'worktrees', 'o2'))).toBe(false);
    expect(execFileSync('git', ['branch', '--list', 'flotilla/*'], { cwd: f.repo.dir, encoding: 'utf8' }).trim()).toBe('');
    expect(await f.tmux(['has-session', '-t', '=flotilla-full']).then(() => true, () => false)).toBe(false);
    disk.free();
    expect(tempFiles(disk.dir)).toBe('');
    // With room again, the same up works.
    const again = await f.flotilla(['up', '--wait', '--timeout', '60'], { timeoutMs: 70_000 });
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 120_000);

  it('during a run: reports wait and are sent again, the supervisor stays up and says why, every task is done once when there is room', async () => {
    disk = mountTinyDisk(8 * 1024);
    f = await makeFleetEnv({ home: join(disk.dir, 'home') });
    const tasks = Array.from({ length: 6 }, (_, i) => `  - { id: t${i + 1}, title: Task ${i + 1}, sim: { duration_ms: 10000 } }`).join('\n');
    await f.writeMission(simMission('full', 2, `tasks:\n${tasks}\n`));
    expect((await f.flotilla(['up'])).code).toBe(0);
    const before = await retryUntil(async () => {
      const s = await f!.status();
      return s.tasks.filter((t) => t.state === 'running').length === 2 && s;
    }, { what: 'two tasks running', timeoutMs: 30_000 });
    disk.fill();
    // The two running tasks finish while the disk is full: their reports cannot be written, and nothing moves.
    const stuck = await retryUntil(async () => {
      const s = await f!.status();
      return s.write_problem !== null && s;
    }, { what: 'the supervisor to say it cannot write', timeoutMs: 30_000 });
    expect(stuck.supervisor.pid).toBe(before.supervisor.pid);
    expect(stuck.write_problem?.message).toMatch(/^cannot write .*: no space left on device$/);
    expect((await f.flotilla(['status'])).stdout).toContain('cannot write state');
    // Tasks added now: the first few may fit in the task log's last page; the one that does not is
    // taken, held in memory, and said so (exit 1, not "invalid input"). Listing works throughout.
    let add = { code: 0, stdout: '', stderr: '' };
    let title = '';
    for (let i = 1; i <= 30 && add.code === 0; i++) {
      title = `While full ${i} ${'x'.repeat(900)}`;
      add = await f.flotilla(['task', 'add', title]);
    }
    expect(add.code, add.stderr).toBe(1);
    expect(add.stderr).toMatch(/did it, but cannot write .*no space left on device/);
    const id = /--request-id (\S+)/.exec(add.stderr)?.[1];
    expect(id, add.stderr).toBeTruthy();
    const list = await f.flotilla(['task', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(title);
    // The agents finish while it is full: their reports cannot be written yet (they send them again).
    await new Promise((r) => setTimeout(r, 3000));
    expect((await f.status()).tasks.filter((t) => t.state === 'done')).toHaveLength(0);
    disk.free();
    // The retry with its request id finds the task: not a second one.
    expect((await f.flotilla(['task', 'add', title, '--request-id', id!])).stdout).toMatch(/^already added while-full-/);
    const wait = await f.flotilla(['up', '--wait', '--timeout', '120'], { timeoutMs: 130_000 });
    expect(wait.code, wait.stdout).toBe(0);
    const s = await f.status();
    expect(s.supervisor.pid).toBe(before.supervisor.pid);
    expect(s.write_problem).toBeNull();
    const events = (await f.flotilla(['events', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { task: string; to: string });
    // Every task (the six and those added while full) done exactly once.
    const done = events.filter((e) => e.to === 'done').map((e) => e.task).sort();
    expect(done).toEqual(s.tasks.map((t) => t.id).sort());
    expect(done.filter((t) => t.startsWith('while-full-')).length).toBeGreaterThan(0);
    expect(done.filter((t) => /^t\d$/.test(t))).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
    expect(tempFiles(disk.dir)).toBe('');
    expect(readdirSync(join(disk.dir, 'home', 'missions', f.socket, 'full', 'inbox'))).toEqual([]);
  }, 180_000);
});
