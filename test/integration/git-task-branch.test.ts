import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlotillaError } from '../../src/core/errors.js';
import { currentBranch } from '../../src/git/git.js';
import { switchToTaskBranch } from '../../src/git/task-branch.js';
import { ensureWorktree } from '../../src/git/worktree.js';
import { commitFiles, git, makeTempRepo, type TempRepo } from '../helpers/git-repo.js';

let repo: TempRepo;
let wt: string;
beforeEach(async () => {
  repo = await makeTempRepo();
  wt = join(repo.dir, '.flotilla', 'worktrees', 'o1');
  await ensureWorktree({ repo: repo.dir, path: wt, branch: 'flotilla/m/o1', base: 'main' });
});
afterEach(async () => {
  await repo.cleanup();
});

describe('switchToTaskBranch', () => {
  it('cuts a new task branch from the latest base, not from the previous task', async () => {
    await commitFiles(wt, { 'previous.txt': 'previous task\n' });
    await commitFiles(repo.dir, { 'landed.txt': 'on main since\n' });
    expect(await switchToTaskBranch(wt, 'flotilla/m/t2', 'main')).toEqual({ created: true, stashed: false });
    expect(await currentBranch(wt)).toBe('flotilla/m/t2');
    expect(await git(wt, 'rev-parse', 'HEAD')).toBe(await git(repo.dir, 'rev-parse', 'main'));
    expect(await readFile(join(wt, 'landed.txt'), 'utf8')).toBe('on main since\n');
    // No upstream: a push of the task branch never targets main.
    await expect(git(repo.dir, 'config', 'branch.flotilla/m/t2.merge')).rejects.toThrow();
  });

  it('stashes a previous task\'s uncommitted leftovers, untracked files included, instead of carrying them over', async () => {
    await writeFile(join(wt, 'README.md'), 'edited, never committed\n');
    await writeFile(join(wt, 'scratch.txt'), 'untracked\n');
    expect(await switchToTaskBranch(wt, 'flotilla/m/t2', 'main')).toEqual({ created: true, stashed: true });
    expect(await git(wt, 'status', '--porcelain')).toBe('');
    expect(await git(wt, 'stash', 'list')).toContain('flotilla: left over before flotilla/m/t2');
    await git(wt, 'stash', 'pop', '-q');
    expect(await readFile(join(wt, 'scratch.txt'), 'utf8')).toBe('untracked\n');
  });

  it('resumes a branch that exists (a retried task) with the earlier attempt\'s commits', async () => {
    await switchToTaskBranch(wt, 'flotilla/m/t1', 'main');
    const attempt = await commitFiles(wt, { 'attempt.txt': 'first attempt\n' });
    await switchToTaskBranch(wt, 'flotilla/m/t2', 'main');
    expect(await switchToTaskBranch(wt, 'flotilla/m/t1', 'main')).toEqual({ created: false, stashed: false });
    expect(await git(wt, 'rev-parse', 'HEAD')).toBe(attempt);
  });

  it('says what git said when the switch cannot be done, and leaves the worktree where it was', async () => {
    const err = await switchToTaskBranch(wt, 'flotilla/m/t2', 'no-such-base').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlotillaError);
    expect((err as FlotillaError).message).toMatch(/git switch failed[\s\S]*no-such-base/);
    expect(await currentBranch(wt)).toBe('flotilla/m/o1');
  });

  it('takes branch names and messages as values, never as shell text', async () => {
    const odd = 'flotilla/m/$(touch PWNED)';
    await expect(switchToTaskBranch(wt, odd, 'main')).rejects.toThrow(FlotillaError); // not a valid ref name
    await expect(readFile(join(wt, 'PWNED'))).rejects.toThrow();
  });
});
