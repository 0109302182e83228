import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { FlotillaError } from '../../src/core/errors.js';
import { formatDiagnostic } from '../../src/mission/diagnostics.js';
import { loadMission, loadMissionOrThrow } from '../../src/mission/load.js';
import { PALETTE } from '../../src/mission/palette.js';
import { packageRoot } from '../../src/core/package-root.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'missions');
const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function writeMission(relPath: string, text: string, opts: { gitAt?: string } = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'flotilla-mission-'));
  temps.push(root);
  const file = join(root, relPath);
  await mkdir(dirname(file), { recursive: true });
  if (opts.gitAt !== undefined) await mkdir(join(root, opts.gitAt, '.git'), { recursive: true });
  await writeFile(file, text);
  return file;
}

const minimal = 'name: tiny\norchestrators:\n  - { name: ann, role: backend-dev }\n';

describe('good missions', () => {
  test('a two-line team needs no roles: each orchestrator is a general developer', async () => {
    const file = await writeMission('flotilla.yaml', 'name: tiny\norchestrators:\n  - { name: ann }\n  - { name: bob, role: qa-engineer }\n');
    const result = await loadMission(file);
    expect(result.errors).toEqual([]);
    expect(result.value!.orchestrators.map((o) => o.role)).toEqual(['developer', 'qa-engineer']);
  });

  test('missions/demo.yaml loads with no errors or warnings', async () => {
    const result = await loadMission(join(packageRoot, 'missions', 'demo.yaml'));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const demo = result.value!;
    expect(demo.name).toBe('demo');
    expect(demo.layout).toBe('grid');
    expect(demo.orchestrators.map((o) => [o.role, o.color])).toEqual([
      ['backend-dev', PALETTE.indigo],
      ['full-stack-dev', PALETTE.emerald],
      ['qa-engineer', PALETTE.amber],
      ['docs-writer', PALETTE.rose],
    ]);
    expect(demo.orchestrators.every((o) => o.agent.kind === 'sim')).toBe(true);
    expect(demo.merge.test).toBe('sh test.sh');
    expect(demo.tasks.length).toBeGreaterThanOrEqual(6);
    const files = demo.tasks.map((t) => t.sim?.file);
    expect(new Set(files).size).toBe(files.length);
    for (const t of demo.tasks) expect(t.sim?.duration_ms).toBeGreaterThanOrEqual(1500);
  });

  test('defaults are filled in', async () => {
    const file = await writeMission('project/sub/flotilla.yaml', minimal, { gitAt: 'project' });
    const { value, errors } = await loadMission(file);
    expect(errors).toEqual([]);
    const repo = resolve(dirname(file), '..');
    expect(value).toEqual({
      name: 'tiny',
      file,
      repo,
      base: 'main',
      worktreesDir: join(repo, '.flotilla', 'worktrees'),
      layout: 'grid',
      paneBackground: false,
      tmuxServer: 'default',
      setup: { copy: [], run: [] },
      orchestrators: [{ name: 'ann', index: 0, role: 'backend-dev', color: PALETTE.indigo, agent: { kind: 'claude' } }],
      streams: [],
      tasks: [],
      dispatch: { strategy: 'work-stealing', maxActive: 1, onTimeout: 'requeue', stallAfterS: 120 },
      merge: { strategy: 'squash', parallel: Math.min(4, availableParallelism()), batch: 4, retries: 1, maxAttempts: 3, timeoutS: 600, push: null },
    });
  });

  test('without a .git anywhere above, the repo is the mission file\'s directory', async () => {
    const file = await writeMission('flotilla.yaml', minimal);
    const { value } = await loadMission(file);
    expect(value?.repo).toBe(dirname(file));
  });

  test('repo: and worktrees: resolve against the mission file and the repo', async () => {
    const file = await writeMission('ops/missions/m.yaml', `${minimal}repo: ../..\nworktrees: ../trees\n`, { gitAt: 'ops' });
    const { value } = await loadMission(file);
    const repo = resolve(dirname(file), '../..');
    expect(value?.repo).toBe(repo);
    expect(value?.worktreesDir).toBe(resolve(repo, '../trees'));
  });

  test('every key given: explicit values, agent override merge, colors, prompt file', async () => {
    const file = join(fixtures, 'good', 'full.yaml');
    const { value, errors, warnings } = await loadMission(file);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    const m = value!;
    expect(m.repo).toBe(resolve(fixtures, '..'));
    expect(m.worktreesDir).toBe(join(m.repo, '.wt'));
    expect([m.base, m.layout, m.paneBackground, m.tmuxServer]).toEqual(['develop', 'tabs', true, 'dedicated']);
    expect(m.setup).toEqual({ copy: ['.env'], run: ['npm ci'] });
    expect(m.dispatch).toEqual({ strategy: 'capability', maxActive: 2, onTimeout: 'cancel', stallAfterS: 90 });
    const [ann, bob, cy, dee] = m.orchestrators;
    expect(ann!.color).toBe(PALETTE.rose);
    expect(cy!.color).toBe('#abcdef');
    // Uncoloured orchestrators take palette colours in order, skipping those taken explicitly.
    expect([bob!.color, dee!.color]).toEqual([PALETTE.indigo, PALETTE.emerald]);
    expect(ann!.agent).toEqual({ kind: 'claude', model: 'sonnet', args: ['--verbose'], env: { SHARED: '1', LEVEL: 'base' } });
    expect(bob!.agent).toEqual({ kind: 'claude', model: 'opus', args: ['--verbose'], env: { SHARED: '1', LEVEL: 'bob' } });
    expect(cy!.agent).toEqual({ kind: 'generic', command: 'my-agent', env: { SHARED: '1', LEVEL: 'base' } });
    expect(bob!.role).toBe('astronaut');
    const [one, two] = m.tasks;
    expect(one!.prompt_file).toBe(join(fixtures, 'good', 'prompts', 'one.md'));
    expect([one!.timeout, two!.timeout]).toEqual([300, 90]);
  });

  test('12+ orchestrators without colors get 12+ distinct colors', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `  - { name: o${i}, role: backend-dev }`);
    const file = await writeMission('m.yaml', `name: big\norchestrators:\n${lines.join('\n')}\n`);
    const { value } = await loadMission(file);
    const colors = value!.orchestrators.map((o) => o.color);
    expect(new Set(colors).size).toBe(20);
    for (const c of colors) expect(c).toMatch(/^#[0-9a-f]{6}$/);
  });

  test('duplicate colors and too large max_active are warnings, not errors', async () => {
    const { value, errors, warnings } = await loadMission(join(fixtures, 'good', 'warnings.yaml'));
    expect(errors).toEqual([]);
    expect(value).toBeDefined();
    expect(warnings.map((w) => [w.line, w.col, w.severity])).toEqual([
      [4, 44, 'warning'],
      [5, 25, 'warning'],
    ]);
    expect(warnings[0]!.message).toContain('orchestrator "bob" has the same color as "ann" (#818cf8)');
    expect(warnings[1]!.message).toContain('max_active is 5 but there are only 2 orchestrators');
  });

  test('a color too dark to read on the status bar is a warning', async () => {
    const file = await writeMission('m.yaml', 'name: dark\norchestrators:\n  - { name: ann, color: "#1e3a8a" }\n  - { name: bob, color: sky }\n');
    const { errors, warnings } = await loadMission(file);
    expect(errors).toEqual([]);
    expect(warnings.map((w) => [w.line, w.message])).toEqual([[3, expect.stringMatching(/color #1e3a8a of "ann" is hard to read on the status bar \(contrast 1\.\d:1, under 4\.5:1\)/)]]);
  });
});

describe('errors outside the mission text', () => {
  test('a missing file is one diagnostic at 1:1', async () => {
    const result = await loadMission('no/such/mission.yaml');
    expect(result.errors).toEqual([
      expect.objectContaining({ file: 'no/such/mission.yaml', line: 1, col: 1, message: 'mission file not found' }),
    ]);
  });

  test('a bad role file next to the mission is an error naming that file', async () => {
    const result = await loadMission(join(fixtures, 'bad-role', 'flotilla.yaml'));
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.file).toMatch(/bad-role\/roles\/broken\.md$/);
    expect(result.errors[0]).toMatchObject({ line: 4, col: 15, message: 'a role needs at least one capability tag' });
  });

  test('several errors come back sorted by position', async () => {
    const file = await writeMission('m.yaml', 'name: x\nlayout: nope\norchestrators:\n  - { name: a, role: nope }\n  - { name: a, role: backend-dev }\n');
    const { errors } = await loadMission(file);
    expect(errors.map((e) => `${e.line}:${e.col}`)).toEqual(['2:9', '4:22', '5:13']);
  });
});

describe('loadMissionOrThrow and formatDiagnostic', () => {
  test('format: FILE:LINE:COL: error: MESSAGE and an indented hint line', () => {
    const text = formatDiagnostic({ file: 'm.yaml', line: 3, col: 5, severity: 'error', message: 'unknown key "x"', hint: 'did you mean "y"?' });
    expect(text).toBe('m.yaml:3:5: error: unknown key "x"\n  hint: did you mean "y"?');
    expect(formatDiagnostic({ file: 'm.yaml', line: 1, col: 1, severity: 'warning', message: 'w' })).toBe('m.yaml:1:1: warning: w');
  });

  test('throws invalid-mission with formatted diagnostics', async () => {
    const file = join(fixtures, 'bad', 'unknown-top-key.yaml');
    const err = await loadMissionOrThrow(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlotillaError);
    const failure = (err as FlotillaError).failure;
    expect(failure).toMatchObject({ reason: 'invalid-mission', file });
    expect(failure.reason === 'invalid-mission' && failure.messages).toEqual([
      `${file}:2:1: error: unknown key "orchestrator"\n  hint: did you mean "orchestrators"?`,
    ]);
  });

  test('throws mission-not-found for a missing file, and returns the mission when valid', async () => {
    await expect(loadMissionOrThrow('nope.yaml')).rejects.toMatchObject({ failure: { reason: 'mission-not-found', file: 'nope.yaml' } });
    const file = await writeMission('m.yaml', minimal);
    expect((await loadMissionOrThrow(file)).name).toBe('tiny');
  });
});
