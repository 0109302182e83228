import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Mission } from '../../src/mission/schema.js';
import type { OrchestratorRuntime } from '../../src/supervisor/status.js';
import { HEALTHY_AFTER_MS, MAX_CRASHES, WorkLoop } from '../../src/supervisor/work-loop.js';
import { TaskQueue } from '../../src/tasks/queue.js';
import type { TmuxServer } from '../../src/tmux/server.js';

/** The circuit breaker counts crashes in a row: backoff doubles, and a healthy stretch starts the count again. */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-crashes-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fleet() {
  let now = 0;
  const logs: string[] = [];
  const respawns: number[] = [];
  const rt = {
    orchestrator: { name: 'a', role: 'backend-dev', index: 0, color: '#6366f1', agent: { kind: 'sim' } },
    worktree: dir,
    branch: 'flotilla/m/a',
    setup: 'skipped',
    pane: '%1',
    state: 'idle',
    exitStatus: undefined,
    heartbeat: undefined,
    seenAt: 0,
    spec: {},
  } as unknown as OrchestratorRuntime;
  const mission = { name: 'm', dispatch: { maxActive: 4, strategy: 'round-robin', stallAfterS: 120, onTimeout: 'requeue' }, orchestrators: [rt.orchestrator] } as unknown as Mission;
  const loop = new WorkLoop({
    mission,
    stateDir: dir,
    tmux: {} as TmuxServer,
    runtime: new Map([['a', rt]]),
    queue: new TaskQueue({ clock: { now: () => now } }),
    flush: async () => {},
    log: (m) => logs.push(m),
    roles: new Map(),
    paused: () => false,
    lastLines: async () => [],
    respawn: async () => {
      respawns.push(now);
    },
    writeFailed: (err) => {
      throw err;
    },
    now: () => now,
  });
  /** The agent dies at `at`; the loop runs then and at every second after until it is respawned or offline. */
  const crashAt = async (at: number) => {
    now = at;
    rt.dead = true;
    rt.exitStatus = 1;
    const before = respawns.length;
    for (let i = 0; i < 60 && respawns.length === before && !rt.offline; i++, now += 1000) await loop.tick();
  };
  return { rt, logs, respawns, crashAt };
}

describe('crash counting', () => {
  it('backs off 1 s then 2 s, and goes offline at the third crash in a row', async () => {
    const { rt, logs, respawns, crashAt } = fleet();
    await crashAt(10_000);
    await crashAt(20_000);
    expect(respawns).toEqual([11_000, 22_000]);
    await crashAt(30_000);
    expect(rt.crashes).toBe(MAX_CRASHES);
    expect(rt.offline).toBe(true);
    expect(logs.filter((l) => l.includes('agent exited'))).toHaveLength(2);
    expect(logs.at(-1)).toContain('crashed 3 times in a row; offline');
  });

  it('forgets earlier crashes once the agent has run a healthy stretch since its last start', async () => {
    const { rt, logs, respawns, crashAt } = fleet();
    await crashAt(10_000);
    await crashAt(20_000);
    // Restarted at 22 s, then ran well past the healthy interval: this crash is the first of a new row.
    await crashAt(22_000 + HEALTHY_AFTER_MS + 5_000);
    expect(rt.offline).toBeFalsy();
    expect(rt.crashes).toBe(1);
    expect(logs.some((l) => /since its last start; its 2 earlier crash\(es\) no longer count/.test(l))).toBe(true);
    // The backoff starts over too: 1 s, not 4 s.
    expect(respawns.at(-1)! - (22_000 + HEALTHY_AFTER_MS + 5_000)).toBe(1000);
  });
});
