import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFleetEnv, retryUntil, simMission, type FleetEnv } from '../helpers/fleet-env.js';

/** The tmux server crashes, or the session is closed by hand: the mission never runs on with every agent gone. */
let f: FleetEnv;
beforeEach(async () => {
  f = await makeFleetEnv();
});
afterEach(async () => {
  await f.cleanup();
});

const tasks = (n: number, ms: number) => `tasks:\n${Array.from({ length: n }, (_, i) => `  - { id: t${i + 1}, title: Task ${i + 1}, sim: { duration_ms: ${ms} } }`).join('\n')}\n`;
const log = () => readFile(join(f.home, 'missions', f.socket, 'gone', 'supervisor.log'), 'utf8');
const doneEvents = async () =>
  (await f.flotilla(['events', '--json'])).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { task: string; to: string }).filter((e) => e.to === 'done');

describe('when tmux goes away', () => {
  it('a crashed tmux server: the session is built again, held tasks are delivered again, every task done once', async () => {
    await f.writeMission(simMission('gone', 2, tasks(4, 10_000)));
    expect((await f.flotilla(['up'])).code).toBe(0);
    await retryUntil(async () => (await f.status()).tasks.filter((t) => t.state === 'running').length === 2, { what: 'two tasks running', timeoutMs: 30_000 });
    const server = Number((await f.tmux(['display-message', '-p', '#{pid}'])).trim());
    process.kill(server, 'SIGSEGV');
    await retryUntil(async () => (await log()).includes('built tmux session flotilla-gone again with 2 agent panes; 2 task(s) will be delivered again'), { what: 'the session built again', timeoutMs: 30_000 }).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await log()}`);
    });
    expect(await log()).toContain('the tmux server exited unexpectedly (a crash)');
    const wait = await f.flotilla(['up', '--wait', '--timeout', '120'], { timeoutMs: 130_000 });
    expect(wait.code, wait.stdout + (await log())).toBe(0);
    expect((await doneEvents()).map((e) => e.task).sort()).toEqual(['t1', 't2', 't3', 't4']);
    expect(await log()).toMatch(/delivering t\d again \(new agent\)/);
  }, 180_000);

  it('a session closed by hand: the supervisor stops and says why, up --wait says so, and up carries the run on', async () => {
    await f.writeMission(simMission('gone', 1, tasks(2, 20_000)));
    expect((await f.flotilla(['up'])).code).toBe(0);
    await retryUntil(async () => (await f.status()).tasks.some((t) => t.state === 'running'), { what: 'a task running', timeoutMs: 30_000 });
    const waiting = f.flotilla(['up', '--wait', '--timeout', '60'], { timeoutMs: 70_000 });
    await new Promise((r) => setTimeout(r, 1000));
    await f.tmux(['kill-session', '-t', '=flotilla-gone']);
    const stopped = await waiting;
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toContain('the supervisor stopped before the tasks ended');
    expect(stopped.stdout).toMatch(/tmux session flotilla-gone was closed .*; the supervisor stopped\. ".* up( --socket \S+)?" builds it again/);
    // up builds the session again; the task its agent held is delivered to the new one.
    const again = await f.flotilla(['up', '--wait', '--timeout', '90'], { timeoutMs: 100_000 });
    expect(again.code, again.stdout + (await log())).toBe(0);
    expect((await doneEvents()).map((e) => e.task).sort()).toEqual(['t1', 't2']);
  }, 180_000);
});
