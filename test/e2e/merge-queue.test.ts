import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitFiles, git } from '../helpers/git-repo.js';
import { makeFleetEnv, retryUntil, simMission, type FleetEnv } from '../helpers/fleet-env.js';

/** The sim's failing-test marker makes this suite fail, as the demo's does. */
const TEST_SH = 'if ls sim/FAIL* >/dev/null 2>&1; then echo "FAIL: marker"; exit 1; fi\necho ok\n';

let f: FleetEnv;
beforeEach(async () => {
  f = await makeFleetEnv();
  await commitFiles(f.repo.dir, { 'test.sh': TEST_SH, 'shared.txt': 'line 1\nline 2\n' }, 'tests');
});
afterEach(async () => {
  await f.cleanup();
});

interface Event {
  task: string;
  from: string;
  to: string;
  landed?: string | null;
  candidate?: string;
  tree?: string;
}

async function events(): Promise<Event[]> {
  const r = await f.flotilla(['events', '--json']);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event);
}

/** Every commit the base pointed to, oldest first (its first-parent line since the test's own commit). */
async function baseHistory(): Promise<string[]> {
  return (await git(f.repo.dir, 'rev-list', '--first-parent', '--reverse', 'main')).split('\n').filter(Boolean);
}

describe('merge queue', () => {
  it('a task whose tests fail is sent back with the output, fixed by its agent and landed; the other lands at once; main passes its tests after each landing', async () => {
    const before = await baseHistory();
    await f.writeMission(
      simMission('mq', 2, `merge: { test: sh test.sh }
tasks:
  - { id: good, title: Good work, sim: { duration_ms: 300, file: good.txt } }
  - { id: broken, title: Breaks the tests, sim: { duration_ms: 300, fail: test-fail, file: broken.txt } }
`),
    );
    const up = await f.flotilla(['up', '--wait', '--timeout', '90'], { timeoutMs: 100_000 });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toMatch(/merged\s+good/);
    expect(up.stdout).toMatch(/merged\s+broken/);
    const log = await events();
    const broken = log.filter((e) => e.task === 'broken').map((e) => e.to);
    expect(broken).toEqual(expect.arrayContaining(['queued', 'testing', 'changes-requested', 'merged']));
    expect(broken.filter((s) => s === 'merged')).toHaveLength(1);
    expect(log.find((e) => e.task === 'good' && e.to === 'merged')?.landed).toMatch(/^[0-9a-f]{40}$/);
    // Each commit the base moved to passes the tests, and each was a tested tree.
    const tested = new Set(log.filter((e) => e.to === 'testing').map((e) => e.tree));
    const landed = (await baseHistory()).slice(before.length);
    expect(landed).toHaveLength(2);
    for (const commit of landed) {
      expect(tested.has(await git(f.repo.dir, 'rev-parse', `${commit}^{tree}`)), `main moved to ${commit}, whose tree was never tested`).toBe(true);
      // The suite fails exactly when the marker is there.
      expect(await git(f.repo.dir, 'ls-tree', '-r', '--name-only', commit, 'sim/')).not.toMatch(/FAIL/);
    }
    const st = await f.status();
    expect(st.merge.entries.filter((e) => e.state === 'merged').map((e) => e.task).sort()).toEqual(['broken', 'good']);
    const subjects = (await git(f.repo.dir, 'log', '--format=%B', '-n2', 'main')).split('\n');
    expect(subjects).toContain('Flotilla-Task: broken');
    // What its agent was told: the failing command, the end of its output, what to do.
    const feedback = await readFile(join(f.home, 'missions', f.socket, 'mq', 'merge', 'feedback', 'broken-1.md'), 'utf8');
    expect(feedback).toContain('`sh test.sh`');
    expect(feedback).toContain('| FAIL: marker');
    expect(feedback).toContain('git merge main');
  }, 150_000);

  it('two tasks editing the same lines: the later one is turned down with the conflicted file, resolves it and lands', async () => {
    await f.writeMission(
      simMission('mc', 2, `merge: { test: sh test.sh }
tasks:
  - { id: first, title: First edit, sim: { duration_ms: 300, fail: conflict, file: shared.txt } }
  - { id: second, title: Second edit, sim: { duration_ms: 1500, fail: conflict, file: shared.txt } }
`),
    );
    const up = await f.flotilla(['up', '--wait', '--timeout', '90'], { timeoutMs: 100_000 });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const log = await events();
    const rejected = log.find((e) => e.to === 'changes-requested') as (Event & { reason?: string }) | undefined;
    expect(rejected?.task).toBe('second');
    expect((await f.flotilla(['events'])).stdout).toMatch(/second .*changes-requested.*conflicts with main in shared\.txt/);
    expect(log.filter((e) => e.to === 'merged').map((e) => e.task).sort()).toEqual(['first', 'second']);
    const shared = await git(f.repo.dir, 'show', 'main:shared.txt');
    expect(shared).toContain('second');
  }, 150_000);

  it('holds while the user\'s checkout of the base is dirty, says so in status, and lands once it is clean; the checkout is brought along', async () => {
    await writeFile(join(f.repo.dir, 'README.md'), '# my own edit, not committed\n');
    await f.writeMission(simMission('mh', 1, `merge: { test: sh test.sh }
tasks:
  - { id: one, title: One, sim: { duration_ms: 300, file: one.txt } }
`));
    const up = await f.flotilla(['up']);
    expect(up.code, up.stderr).toBe(0);
    const held = await retryUntil(async () => (await f.status()).merge.held ?? undefined, { timeoutMs: 60_000, what: 'the merge queue to hold' });
    expect(held.why).toMatch(/uncommitted changes \(README\.md\)/);
    expect((await f.flotilla(['merge', 'status'])).stdout).toMatch(/HELD since .*README\.md/);
    expect((await f.flotilla(['status'])).stdout).toMatch(/merge queue held/i);
    // Nothing moved meanwhile: the user's edit and branch are as they were.
    expect(await git(f.repo.dir, 'status', '--porcelain', '--untracked-files=no')).toBe('M README.md');
    const before = await git(f.repo.dir, 'rev-parse', 'main');
    await git(f.repo.dir, 'checkout', '--', 'README.md');
    await retryUntil(async () => (await f.status()).tasks.find((t) => t.id === 'one')?.state === 'merged', { timeoutMs: 30_000, what: 'one to land' });
    expect(await git(f.repo.dir, 'rev-parse', 'main')).not.toBe(before);
    // Brought along: the checkout has the landed file and is clean.
    expect(await git(f.repo.dir, 'status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(await git(f.repo.dir, 'ls-files', 'one.txt')).toBe('one.txt');
    expect((await f.status()).merge.held).toBeNull();
  }, 150_000);
});

describe('merge queue crash safety', () => {
  const mission = (name: string) =>
    simMission(name, 1, `merge: { test: "sleep 3; sh test.sh" }
tasks:
  - { id: one, title: One, sim: { duration_ms: 300, file: one.txt } }
`);

  async function killDuringTest(): Promise<{ candidate: string; before: string }> {
    const before = await git(f.repo.dir, 'rev-parse', 'main');
    expect((await f.flotilla(['up'])).code).toBe(0);
    const testing = await retryUntil(async () => (await events()).find((e) => e.to === 'testing'), { timeoutMs: 60_000, what: 'a test to start' });
    const pid = (await f.status()).supervisor.pid;
    process.kill(pid, 'SIGKILL');
    await retryUntil(async () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, { what: 'the supervisor to die' });
    return { candidate: testing.candidate!, before };
  }

  it('SIGKILL while a candidate is tested: up tests it again and lands it once', async () => {
    await f.writeMission(mission('crash1'));
    const { before } = await killDuringTest();
    expect(await git(f.repo.dir, 'rev-parse', 'main')).toBe(before);
    const up = await f.flotilla(['up', '--wait', '--timeout', '60'], { timeoutMs: 70_000 });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(await git(f.repo.dir, 'rev-list', '--count', `${before}..main`)).toBe('1');
    expect((await events()).filter((e) => e.to === 'merged')).toHaveLength(1);
  }, 150_000);

  it('SIGKILL between landing and logging it: up finds the landing by its trailers and never lands it twice', async () => {
    await f.writeMission(mission('crash2'));
    const { candidate, before } = await killDuringTest();
    // What the killed supervisor had just done: the compare-and-swap of the base, but not the log line.
    await git(f.repo.dir, 'update-ref', 'refs/heads/main', candidate, before);
    await git(f.repo.dir, 'read-tree', '-m', '-u', before, candidate);
    const up = await f.flotilla(['up', '--wait', '--timeout', '60'], { timeoutMs: 70_000 });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(await git(f.repo.dir, 'rev-parse', 'main')).toBe(candidate);
    const merged = (await events()).filter((e) => e.to === 'merged');
    expect(merged).toHaveLength(1);
    expect(merged[0]!.landed).toBe(candidate);
  }, 150_000);
});
