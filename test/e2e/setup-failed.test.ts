import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFleetEnv, retryUntil, simMission, type FleetEnv } from '../helpers/fleet-env.js';

/** A failed setup step keeps that orchestrator out of the work, says so where the user looks, and runs again on the next start. */
let f: FleetEnv;
beforeEach(async () => {
  f = await makeFleetEnv();
});
afterEach(async () => {
  await f.cleanup();
});

describe('a failed setup step', () => {
  it('keeps its orchestrator from taking tasks, is shown in status and up --wait, and setup runs again once fixed', async () => {
    const block = join(f.repo.scratch, `block-${Date.now()}`);
    await writeFile(block, '');
    // o2's setup fails while the block file is there; o1's passes.
    const step = `test "$(basename "$PWD")" != o2 || test ! -e ${block}`;
    const tasks = Array.from({ length: 4 }, (_, i) => `  - { id: t${i + 1}, title: Task ${i + 1}, sim: { duration_ms: 200 } }`).join('\n');
    await f.writeMission(simMission('setupfail', 2, `setup: { run: [${JSON.stringify(step)}] }\ntasks:\n${tasks}\n`));

    const up = await f.flotilla(['up', '--wait', '--timeout', '90'], { timeoutMs: 100_000 });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const s = await f.status();
    const o2 = s.orchestrators.find((o) => o.name === 'o2')!;
    expect(o2.setup).toBe('failed');
    expect(o2.setup_failure?.step).toContain('exited 1');
    expect(o2.setup_failure?.log).toMatch(/setup[/\\]o2\.log$/);
    // Every task went to the orchestrator whose setup passed.
    expect(s.tasks.map((t) => [t.state, t.orchestrator])).toEqual(Array(4).fill(['done', 'o1']));

    const human = await f.flotilla(['status']);
    expect(human.stdout).toMatch(/setup failed: o2 — ".*" exited 1; it takes no tasks\. Read .*o2\.log/);
    const title = await f.tmux(['display-message', '-p', '-t', o2.pane!, '#{@flotilla_state}']);
    expect(title).toContain('setup-failed');

    // Fixed: the next start runs o2's setup again (its worktree is adopted) and o2 can work.
    await rm(block);
    process.kill(s.supervisor.pid, 'SIGKILL');
    await retryUntil(async () => (await f.flotilla(['up'])).code === 0, { what: 'a new supervisor', timeoutMs: 30_000 });
    const again = await retryUntil(async () => {
      const st = await f.status();
      return st.orchestrators.find((o) => o.name === 'o2')?.setup === 'ok' ? st : undefined;
    }, { what: 'o2 set up', timeoutMs: 30_000 });
    expect(again.orchestrators.find((o) => o.name === 'o2')?.setup_failure).toBeNull();
  }, 180_000);

  it('on every orchestrator ends up --wait with the reason instead of waiting forever', async () => {
    await f.writeMission(simMission('nosetup', 2, `setup: { run: ["false"] }\ntasks:\n  - { id: t1, title: One }\n`));
    const up = await f.flotilla(['up', '--wait', '--timeout', '90'], { timeoutMs: 100_000 });
    expect(up.code).toBe(1);
    expect(up.stdout).toContain('no orchestrator can work any more (offline or setup failed');
    expect(up.stdout).toMatch(/setup failed: o1 — "false" exited 1; see .*o1\.log/);
  }, 120_000);
});
