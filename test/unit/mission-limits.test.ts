import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMission } from '../../src/mission/load.js';
import { defaultColor } from '../../src/mission/palette.js';

/** Hostile or oversized mission files: each an error with its place and a hint, fast, never a crash. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-limits-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(name: string, text: string) {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, text);
  const started = Date.now();
  const r = await loadMission(file);
  return { ...r, ms: Date.now() - started, first: r.errors[0] };
}

const ORCH = 'orchestrators:\n  - { name: ann, role: backend-dev }\n';

describe('mission limits', () => {
  it('an alias with no anchor is an error at the alias, not an internal error', async () => {
    const r = await load('alias', `name: a\nbase: *x\n${ORCH}`);
    expect(r.first).toMatchObject({ line: 2, col: 7, message: 'YAML error: the alias *x has no anchor &x before it' });
    expect(r.first!.hint).toContain('define the anchor');
  });

  it('aliases that expand past 100 copies (a billion laughs) are refused at once', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'];
    const r = await load('bomb', `name: b\n${bomb.join('\n')}\n${ORCH}`);
    expect(r.first!.message).toBe('YAML error: the aliases (*name) expand to more than 100 copies');
    expect(r.first!.line).toBeGreaterThan(1);
    expect(r.ms).toBeLessThan(2000);
  });

  it('a few aliases are still fine', async () => {
    const r = await load('fine', `name: c\nagent: &agent { kind: sim }\norchestrators:\n  - { name: ann, role: backend-dev, agent: *agent }\n`);
    expect(r.errors).toEqual([]);
    expect(r.value?.orchestrators[0]!.agent.kind).toBe('sim');
  });

  it('a file over 1 MB is refused before it is parsed', async () => {
    const r = await load('big', `name: d\n${ORCH}description: "${'x'.repeat(2 * 1024 * 1024)}"\n`);
    expect(r.first!.message).toBe('the mission file is 2.0 MB; the limit is 1 MB');
    expect(r.ms).toBeLessThan(2000);
  });

  it('values nested more than 64 deep are refused, at the bracket that goes too deep', async () => {
    const r = await load('deep', `name: e\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n${ORCH}`);
    expect(r.first).toMatchObject({ line: 2, col: 68, message: 'values are nested more than 64 deep' });
    expect(r.ms).toBeLessThan(2000);
    // Brackets inside a quoted value, or after an apostrophe in a word, are text.
    const ok = await load('quoted', `name: f\ndescription: "${'['.repeat(200)}, it's fine"\n${ORCH}tasks:\n  - id: t1\n    title: it's [fine] ${'['.repeat(100)}\n`);
    expect(ok.errors).toEqual([]);
  });

  it('more than 64 orchestrators is an error; the palette never loops, even past its distinct colours', async () => {
    const many = Array.from({ length: 1800 }, (_, i) => `  - { name: o${i} }`).join('\n');
    const r = await load('many', `name: g\norchestrators:\n${many}\n`);
    expect(r.first!.message).toContain('at most 64 orchestrators');
    expect(r.ms).toBeLessThan(5000);
    const taken = new Set<string>();
    for (let i = 0; i < 2000; i++) taken.add(defaultColor(i, taken));
    expect(taken.size).toBeGreaterThan(1000);
  });

  it('a title over 1000 characters is refused with the limit, not cut', async () => {
    const r = await load('title', `name: h\n${ORCH}tasks:\n  - { id: t1, title: "${'t'.repeat(1001)}" }\n`);
    expect(r.first!.message).toContain('a title is at most 1000 characters; put the rest in prompt: or prompt_file:');
    expect(r.first!.line).toBe(5);
  });

  it('a title of more than one line is refused: it would forge rows in task lists', async () => {
    const r = await load('lines', `name: h\n${ORCH}tasks:\n  - { id: t1, title: "one\\nfake-task   ready" }\n`);
    expect(r.first!.message).toContain('a title is one line; put the rest in prompt: or prompt_file:');
  });
});
