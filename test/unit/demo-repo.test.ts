import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { packageRoot } from '../../src/core/package-root.js';
import { demoMission, FAST_FACTOR, makeDemoRepo } from '../../src/demo/demo-repo.js';
import { loadMission } from '../../src/mission/load.js';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.js';

const repos: TempRepo[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.cleanup()));
});

async function durations(file: string): Promise<number[]> {
  const { value, errors } = await loadMission(file);
  expect(errors).toEqual([]);
  return value!.tasks.map((t) => t.sim!.duration_ms!);
}

describe('demo pacing', () => {
  test('the demo is paced to be watched: its nine tasks take about a minute on four agents', async () => {
    const { value } = await loadMission(join(packageRoot, 'missions', 'demo.yaml'));
    const ms = new Map(value!.tasks.map((t) => [t.id, t.sim!.duration_ms!]));
    expect(ms.size).toBe(9);
    // The longest chain of work: greet-core, then formal and cli on one agent, then usage-docs.
    const chain = ['greet-core', 'formal', 'cli', 'usage-docs'].reduce((sum, id) => sum + ms.get(id)!, 0);
    expect(chain).toBeGreaterThanOrEqual(45_000);
    expect(chain).toBeLessThanOrEqual(60_000);
  });

  test('--fast writes the same mission with every duration a sixth as long, and nothing else changed', async () => {
    const text = await readFile(join(packageRoot, 'missions', 'demo.yaml'), 'utf8');
    expect(demoMission(text, false)).toBe(text);
    const fast = demoMission(text, true);
    expect(fast.replace(/duration_ms: \d+/g, '')).toBe(text.replace(/duration_ms: \d+/g, ''));
    const repo = await makeTempRepo();
    repos.push(repo);
    const paced = await makeDemoRepo(join(repo.scratch, 'paced'));
    const quick = await makeDemoRepo(join(repo.scratch, 'quick'), { fast: true });
    const slow = await durations(paced.missionFile);
    expect(await durations(quick.missionFile)).toEqual(slow.map((ms) => Math.round(ms / FAST_FACTOR)));
    expect(await durations(quick.missionFile)).toContain(2000);
    await rm(paced.dir, { recursive: true, force: true });
  });
});
