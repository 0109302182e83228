import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimPlan } from '../../src/sim/directive.js';
import type { SimGit } from '../../src/sim/sim-git.js';
import { commitSubject, editAndCommit } from '../../src/sim/work.js';

/** Records commits instead of running git. */
function fakeGit(opts: { workTree?: boolean; fail?: string } = {}) {
  const commits: { paths: string[]; message: string }[] = [];
  const git: SimGit = {
    isWorkTree: async () => opts.workTree ?? true,
    commit: async (paths, message) => {
      if (opts.fail) throw new Error(opts.fail);
      commits.push({ paths, message });
      return `c0ffee${commits.length}`;
    },
    mergeBase: async () => [],
    remove: async () => undefined,
    commitAll: async (paths, message) => {
      commits.push({ paths, message });
      return `c0ffee${commits.length}`;
    },
  };
  return { git, commits };
}

const plan = (over: Partial<SimPlan> = {}): SimPlan => ({ durationMs: 0, fail: undefined, file: 'sim/alpha.txt', subject: 'Add login', fix: undefined, ...over });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-sim-work-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('editAndCommit', () => {
  it('appends one line per task, creating directories, and commits the file under the subject', async () => {
    const { git, commits } = fakeGit();
    expect(await editAndCommit(dir, 'alpha', plan(), git)).toEqual({ files: ['sim/alpha.txt'], commit: 'c0ffee1' });
    await editAndCommit(dir, 'alpha', plan({ subject: 'Add logout' }), git);
    expect(await readFile(join(dir, 'sim/alpha.txt'), 'utf8')).toBe('alpha: Add login\nalpha: Add logout\n');
    expect(commits).toEqual([
      { paths: ['sim/alpha.txt'], message: 'Add login' },
      { paths: ['sim/alpha.txt'], message: 'Add logout' },
    ]);
  });

  it('starts a new line when the file does not end with one', async () => {
    await writeFile(join(dir, 'notes.txt'), 'no newline');
    await editAndCommit(dir, 'b', plan({ file: 'notes.txt', subject: 's' }), fakeGit().git);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('no newline\nb: s\n');
  });

  it('on conflict rewrites only line 1, naming the orchestrator', async () => {
    await writeFile(join(dir, 'README.md'), '# title\nbody\n');
    await editAndCommit(dir, 'alpha', plan({ fail: 'conflict', file: 'README.md' }), fakeGit().git);
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe('line 1 rewritten by alpha: Add login\nbody\n');
  });

  it('on test-fail also writes sim/FAIL and commits it with the edit', async () => {
    const { git, commits } = fakeGit();
    const r = await editAndCommit(dir, 'alpha', plan({ fail: 'test-fail' }), git);
    expect(r.files).toEqual(['sim/alpha.txt', 'sim/FAIL']);
    expect(await readFile(join(dir, 'sim/FAIL'), 'utf8')).toContain('alpha');
    expect(commits[0]?.paths).toEqual(['sim/alpha.txt', 'sim/FAIL']);
  });

  it('edits but does not commit outside a git work tree', async () => {
    const { git, commits } = fakeGit({ workTree: false });
    expect(await editAndCommit(dir, 'alpha', plan(), git)).toEqual({ files: ['sim/alpha.txt'] });
    expect(commits).toEqual([]);
    expect(await readFile(join(dir, 'sim/alpha.txt'), 'utf8')).toBe('alpha: Add login\n');
  });

  it('returns a failed commit as an error instead of throwing', async () => {
    const r = await editAndCommit(dir, 'alpha', plan(), fakeGit({ fail: 'git commit failed: hook said no' }).git);
    expect(r.error).toBe('git commit failed: hook said no');
    expect(r.commit).toBeUndefined();
  });

  it('returns an unwritable file as an error', async () => {
    await mkdir(join(dir, 'taken.txt'));
    const r = await editAndCommit(dir, 'alpha', plan({ file: 'taken.txt' }), fakeGit().git);
    expect(r.error).toMatch(/EISDIR/);
  });
});

describe('commitSubject', () => {
  it('trims to 60 characters without cutting a character in half', () => {
    expect(commitSubject(`  ${'x'.repeat(70)}  `)).toBe('x'.repeat(60));
    expect([...commitSubject('🙂'.repeat(61))]).toHaveLength(60);
    expect(commitSubject('   ')).toBe('sim task');
  });
});
