import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Registry, STALE_AFTER_MS, isStale, type RegistryEntry } from '../../src/supervisor/registry.js';

const entry = (mission: string, pid: number, heartbeatAt: number): RegistryEntry => ({
  key: `default/${mission}`,
  mission,
  pid,
  repo: '/repo',
  missionFile: '/repo/flotilla.yaml',
  socket: null,
  session: `flotilla-${mission}`,
  controlSocket: '/tmp/x.sock',
  stateDir: '/tmp/state',
  startedAt: heartbeatAt,
  heartbeatAt,
  state: 'running',
});

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'flotilla-registry-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('registry staleness', () => {
  it('an entry is stale when its pid is dead or its heartbeat is older than 60 s', () => {
    const now = 1_000_000;
    expect(isStale(entry('a', 1, now - 1000), now, () => true)).toBe(false);
    expect(isStale(entry('a', 1, now - STALE_AFTER_MS - 1), now, () => true)).toBe(true);
    expect(isStale(entry('a', 1, now), now, () => false)).toBe(true);
  });

  it('list() drops stale entries from the file and keeps live ones', async () => {
    let now = 100_000;
    const alive = new Set([11, 12]);
    const reg = new Registry(home, (pid) => alive.has(pid), () => now);
    await reg.claim(entry('live', 11, now));
    await reg.claim(entry('old', 12, now - STALE_AFTER_MS - 5));
    await reg.claim(entry('dead', 13, now));
    expect((await reg.list()).map((e) => e.mission)).toEqual(['live']);
    const onDisk = JSON.parse(await readFile(reg.file, 'utf8')) as { supervisors: Record<string, unknown> };
    expect(Object.keys(onDisk.supervisors)).toEqual(['default/live']);
    now += STALE_AFTER_MS + 1;
    expect(await reg.list()).toEqual([]);
  });

  it('claim refuses a mission held by a live supervisor and returns the holder', async () => {
    const reg = new Registry(home, () => true);
    expect(await reg.claim(entry('m', 1, Date.now()))).toBeUndefined();
    expect((await reg.claim(entry('m', 2, Date.now())))?.pid).toBe(1);
    expect((await reg.get('default/m'))?.pid).toBe(1);
  });

  it('a claim held by a dead pid is taken over', async () => {
    const alive = new Set([2]);
    const reg = new Registry(home, (pid) => alive.has(pid));
    await reg.claim(entry('m', 1, Date.now()));
    expect(await reg.claim(entry('m', 2, Date.now()))).toBeUndefined();
    expect((await reg.get('default/m'))?.pid).toBe(2);
  });

  it('concurrent claims for one mission: exactly one wins, the file stays intact', async () => {
    const reg = new Registry(home, () => true);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => reg.claim(entry('race', 100 + i, Date.now()))));
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
    expect(await reg.list()).toHaveLength(1);
  });
});
