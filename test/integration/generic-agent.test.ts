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
});
