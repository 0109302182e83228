import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFleetEnv, type FleetEnv } from '../helpers/fleet-env.js';

const AGENT = join(import.meta.dirname, '..', 'fixtures', 'agents', 'generic-agent.sh');

let f: FleetEnv;
beforeEach(async () => {
  f = await makeFleetEnv();
});
afterEach(async () => {
  await f.cleanup();
});

describe('a generic agent (no hooks, no heartbeats)', () => {
  it('is driven by its screen: idle at its prompt, working while its spinner turns, and its tasks complete', async () => {
    await f.writeMission(
      [
        'name: gen',
        `agent: { kind: generic, command: sh, args: [${JSON.stringify(AGENT)}] }`,
        'orchestrators:',
        '  - { name: plain, role: backend-dev }',
        'tasks:',
        '  - { id: one, title: First job }',
        '  - { id: two, title: Second job, deps: [one] }',
        '',
      ].join('\n'),
    );
    const up = await f.flotilla(['up', '--wait', '--timeout', '60'], { timeoutMs: 80_000 });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const events = (await f.flotilla(['events', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { task: string; to: string });
    expect(events.filter((e) => e.to === 'done').map((e) => e.task)).toEqual(['one', 'two']);
    const { readFile } = await import('node:fs/promises');
    const log = await readFile(join(f.home, 'missions', f.socket, 'gen', 'supervisor.log'), 'utf8');
    expect(log).toMatch(/plain: \w+ -> idle/);
    expect(log).toMatch(/plain: idle -> working/);
    expect(log).not.toMatch(/delivery needed/); // acknowledged by the screen at the first try
  }, 90_000);

  it('an agent whose "flotilla" calls fail is stopped after its attempts, with the reason in the log and up --wait', async () => {
    await f.writeMission(
      [
        'name: gen',
        `agent: { kind: generic, command: sh, args: [${JSON.stringify(AGENT)}], env: { GENERIC_AGENT_REPORT: flotilla-missing } }`,
        'dispatch: { stall_after: 2s }',
        'orchestrators:',
        '  - { name: plain, role: backend-dev }',
        'tasks:',
        '  - { id: one, title: First job, retries: 1 }',
        '',
      ].join('\n'),
    );
    const started = Date.now();
    const up = await f.flotilla(['up', '--wait', '--timeout', '80'], { timeoutMs: 90_000 });
    const took = Date.now() - started;
    const { readFile } = await import('node:fs/promises');
    const log = await readFile(join(f.home, 'missions', f.socket, 'gen', 'supervisor.log'), 'utf8');
    expect(up.code, `${up.stdout}\n${log}`).toBe(1);
    // Two attempts (the task's one retry), each nudged once and then failed, quoting the screen: then it stops.
    expect(log.match(/plain: stalled on one; nudging/g), log).toHaveLength(2);
    expect(log).toMatch(/plain: still stalled on one \(no report after a nudge; its screen ends: .*flotilla-missing.*not found.*\); attempt 1 failed, task now pending/);
    expect(log).toMatch(/attempt 2 failed, task now failed/);
    expect(up.stdout).toMatch(/failed\s+one\s+.*no report after a nudge; its screen ends: .*not found/);
    expect(up.stdout).toContain('a task failed for good');
    expect(took).toBeLessThan(70_000);
    const task = JSON.parse((await f.flotilla(['task', 'show', 'one', '--json'])).stdout) as { state: string; attempts: number };
    expect(task).toMatchObject({ state: 'failed', attempts: 2 });
  }, 100_000);
});
