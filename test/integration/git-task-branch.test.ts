import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlotillaError } from '../../src/core/errors.js';
import { currentBranch } from '../../src/git/git.js';
import { leftoversRef, releaseTaskBranch, switchToTaskBranch } from '../../src/git/task-branch.js';
import { ensureWorktree } from '../../src/git/worktree.js';
import { commitFiles, git, makeTempRepo, type TempRepo } from '../helpers/git-repo.js';

let repo: TempRepo;
let wt: string;
let wt2: string;
const KEPT = 'refs/flotilla/m/leftovers/o1-1';
beforeEach(async () => {
  repo = await makeTempRepo();
  wt = join(repo.dir, '.flotilla', 'worktrees', 'o1');
  wt2 = join(repo.dir, '.flotilla', 'worktrees', 'o2');
  await ensureWorktree({ repo: repo.dir, path: wt, branch: 'flotilla/m/o1', base: 'main' });
  await ensureWorktree({ repo: repo.dir, path: wt2, branch: 'flotilla/m/o2', base: 'main' });
});
afterEach(async () => {
  await repo.cleanup();
});

describe('switchToTaskBranch', () => {
  it('cuts a new task branch from the latest base, not from the previous task', async () => {
    await commitFiles(wt, { 'previous.txt': 'previous task\n' });
    await commitFiles(repo.dir, { 'landed.txt': 'on main since\n' });
    expect(await switchToTaskBranch(wt, 'flotilla/m/t2', 'main', KEPT)).toEqual({ outcome: 'created', kept: undefined });
    expect(await currentBranch(wt)).toBe('flotilla/m/t2');
    expect(await git(wt, 'rev-parse', 'HEAD')).toBe(await git(repo.dir, 'rev-parse', 'main'));
    expect(await readFile(join(wt, 'landed.txt'), 'utf8')).toBe('on main since\n');
    // No upstream: a push of the task branch never targets main.
    await expect(git(repo.dir, 'config', 'branch.flotilla/m/t2.merge')).rejects.toThrow();
  });

  it('keeps a previous task\'s uncommitted leftovers (untracked files too) on a ref of its own, off the user\'s stash and off the previous branch', async () => {
    await git(repo.dir, 'stash', 'list'); // the user's stash: empty, and must stay so
    await writeFile(join(wt, 'README.md'), 'edited, never committed\n');
    await writeFile(join(wt, 'scratch.txt'), 'untracked\n');
    const before = await git(wt, 'rev-parse', 'HEAD');
    expect(await switchToTaskBranch(wt, 'flotilla/m/t2', 'main', KEPT)).toEqual({ outcome: 'created', kept: KEPT });
    expect(await git(wt, 'status', '--porcelain')).toBe('');
    expect(await git(repo.dir, 'stash', 'list')).toBe('');
    expect(await git(repo.dir, 'rev-parse', 'flotilla/m/o1')).toBe(before);
    expect(await git(repo.dir, 'show', `${KEPT}:scratch.txt`)).toBe('untracked');
    expect(await git(repo.dir, 'show', `${KEPT}:README.md`)).toBe('edited, never committed');
    expect(await git(repo.dir, 'log', '-1', '--format=%s', KEPT)).toBe('flotilla: left over in this worktree before flotilla/m/t2');
  });

  it('resumes a branch that exists (a retried task) with the earlier attempt\'s commits', async () => {
    await switchToTaskBranch(wt, 'flotilla/m/t1', 'main', KEPT);
    const attempt = await commitFiles(wt, { 'attempt.txt': 'first attempt\n' });
    await switchToTaskBranch(wt, 'flotilla/m/t2', 'main', KEPT);
    expect(await switchToTaskBranch(wt, 'flotilla/m/t1', 'main', KEPT)).toEqual({ outcome: 'resumed', kept: undefined });
    expect(await git(wt, 'rev-parse', 'HEAD')).toBe(attempt);
  });

  it('leaves a worktree already on the branch as it is, work in progress included', async () => {
    await switchToTaskBranch(wt, 'flotilla/m/t1', 'main', KEPT);
    await writeFile(join(wt, 'half-done.txt'), 'in progress\n');
    expect(await switchToTaskBranch(wt, 'flotilla/m/t1', 'main', KEPT)).toEqual({ outcome: 'already', kept: undefined });
    expect(await readFile(join(wt, 'half-done.txt'), 'utf8')).toBe('in progress\n');
  });

  it('reports a branch checked out in another worktree instead of taking it', async () => {
    await switchToTaskBranch(wt, 'flotilla/m/t1', 'main', KEPT);
    expect(await switchToTaskBranch(wt2, 'flotilla/m/t1', 'main', KEPT)).toEqual({ outcome: 'held', heldBy: wt });
    expect(await currentBranch(wt2)).toBe('flotilla/m/o2');
  });

  it('says what git said when the switch cannot be done, and leaves the worktree where it was', async () => {
    const err = await switchToTaskBranch(wt, 'flotilla/m/t2', 'no-such-base', KEPT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlotillaError);
    expect((err as FlotillaError).message).toMatch(/git switch failed[\s\S]*no-such-base/);
    expect(await currentBranch(wt)).toBe('flotilla/m/o1');
  });

  it('takes branch names and messages as values, never as shell text', async () => {
    const odd = 'flotilla/m/$(touch PWNED)';
    await expect(switchToTaskBranch(wt, odd, 'main', KEPT)).rejects.toThrow(FlotillaError); // not a valid ref name
    await expect(readFile(join(wt, 'PWNED'))).rejects.toThrow();
  });
});

describe('releaseTaskBranch', () => {
  it('commits the work in progress on the task branch and lets the branch go, so another worktree can resume it', async () => {
    await switchToTaskBranch(wt, 'flotilla/m/t1', 'main', KEPT);
    await writeFile(join(wt, 'half-done.txt'), 'in progress\n');
    expect(await releaseTaskBranch(wt, 'flotilla/m/t1', 'flotilla: work in progress on t1, left by o1')).toEqual({ committed: true });
    expect(await currentBranch(wt)).toBeUndefined();
    expect(await switchToTaskBranch(wt2, 'flotilla/m/t1', 'main', KEPT)).toEqual({ outcome: 'resumed', kept: undefined });
    expect(await readFile(join(wt2, 'half-done.txt'), 'utf8')).toBe('in progress\n');
    expect(await git(wt2, 'log', '-1', '--format=%s')).toBe('flotilla: work in progress on t1, left by o1');
  });

  it('leaves a worktree on another branch untouched', async () => {
    await writeFile(join(wt, 'mine.txt'), 'not the task\'s\n');
    expect(await releaseTaskBranch(wt, 'flotilla/m/t1', 'x')).toEqual({ committed: false });
    expect(await currentBranch(wt)).toBe('flotilla/m/o1');
    expect(await git(wt, 'status', '--porcelain')).toBe('?? mine.txt');
  });

  it('names leftovers refs per mission and orchestrator, outside refs/heads and refs/stash', () => {
    expect(leftoversRef('demo', 'o3', 1700000000000)).toBe('refs/flotilla/demo/leftovers/o3-1700000000000');
  });
});
