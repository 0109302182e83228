import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git } from '../helpers/git-repo.js';
import { makeFleetEnv, retryUntil, type FleetEnv } from '../helpers/fleet-env.js';

/**
 * A task given up by one orchestrator (offline after crashes, or timed out and
 * requeued) goes to another while its branch is still checked out in the first
 * one's worktree. Before, every other orchestrator failed `git switch … already
 * checked out` about 17 times a second and the mission never ended.
 */
let f: FleetEnv;
beforeEach(async () => {
  f = await makeFleetEnv();
});
afterEach(async () => {
  await f.cleanup();
});

const stateDir = () => join(f.home, 'missions', f.socket, 'hand');
const log = () => readFile(join(stateDir(), 'supervisor.log'), 'utf8');
const eventLines = async () => (await readFile(join(stateDir(), 'events.jsonl'), 'utf8')).trim().split('\n').length;

describe('hand-over of a given-up task', () => {
  it('three orchestrators crash until offline; the fourth takes their tasks over, up --wait ends, nothing loops', async () => {
    const crash = '{ env: { FLOTILLA_SIM_FAIL: crash } }';
    await f.writeMission(
      [
        'name: hand',
        'agent: { kind: sim, env: { FLOTILLA_SIM_SPEED: "0.05" } }',
        'orchestrators:',
        ...['c1', 'c2', 'c3'].map((o) => `  - { name: ${o}, role: backend-dev, agent: ${crash} }`),
        '  - { name: ok, role: backend-dev }',
        'tasks:',
        ...['a', 'b', 'c', 'd'].map((t) => `  - { id: ${t}, title: Task ${t}, sim: { duration_ms: 300, file: "out/${t}.txt" } }`),
        '',
      ].join('\n'),
    );
    const up = await f.flotilla(['up', '--wait', '--timeout', '100'], { timeoutMs: 110_000 });
    const text = await log();
    expect(up.code, `${up.stdout}\n${text}`).toBe(0);
    const s = await f.status();
    expect(s.tasks.map((t) => [t.id, t.state])).toEqual(['a', 'b', 'c', 'd'].map((t) => [t, 'done']));
    expect(s.orchestrators.filter((o) => o.offline).map((o) => o.name).sort()).toEqual(['c1', 'c2', 'c3']);
    // Each task's work is on its own branch, done by "ok".
    for (const t of ['a', 'b', 'c', 'd']) expect(await git(f.repo.dir, 'show', '--name-only', '--format=', `flotilla/hand/${t}`)).toContain(`out/${t}.txt`);
    // Branches held by the crashed worktrees were let go, never fought over.
    expect(text).toMatch(/c\d: let go of flotilla\/hand\/[a-d].*, for ok/);
    expect(text).not.toMatch(/could not start/);
    expect(await eventLines()).toBeLessThan(200);
  }, 120_000);

  it('a task that timed out on one orchestrator is retried on the other, from the branch the first let go of', async () => {
    await f.writeMission(
      [
        'name: hand',
        'agent: { kind: sim }',
        'dispatch: { on_timeout: requeue }',
        'orchestrators:',
        '  - { name: slow, role: backend-dev, agent: { env: { FLOTILLA_SIM_SPEED: "1" } } }',
        '  - { name: quick, role: backend-dev, agent: { env: { FLOTILLA_SIM_SPEED: "0.01" } } }',
        '',
      ].join('\n'),
    );
    expect((await f.flotilla(['up'])).code).toBe(0);
    // Added once both are at their prompt: the first free in mission order (slow) gets it; the retry goes to the next (quick).
    await retryUntil(async () => (await f.status()).orchestrators.every((o) => o.state === 'idle'), { what: 'both agents idle' });
    const promptFile = join(f.repo.scratch, 'long.md');
    await writeFile(promptFile, `sim: ${JSON.stringify({ duration_ms: 20000, file: 'out/long.txt' })}\n`);
    const add = await f.flotilla(['task', 'add', 'Long', '--timeout', '2', '--retries', '2', '--prompt-file', promptFile]);
    expect(add.code, add.stderr).toBe(0);
    const up = await f.flotilla(['up', '--wait', '--timeout', '60'], { timeoutMs: 70_000 });
    const text = await log();
    expect(up.code, `${up.stdout}\n${text}`).toBe(0);
    expect(text).toMatch(/long: timed out on slow; requeued/);
    expect(text).toMatch(/slow: let go of flotilla\/hand\/long, for quick/);
    expect(text).toMatch(/quick: long done/);
    expect(text).not.toMatch(/could not start/);
    expect(await git(f.repo.dir, 'show', '--name-only', '--format=', 'flotilla/hand/long')).toContain('out/long.txt');
  }, 80_000);
});
