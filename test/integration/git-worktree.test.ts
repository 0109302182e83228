import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlotillaError } from '../../src/core/errors.js';
import { currentBranch, verifyBranch } from '../../src/git/git.js';
import {
  ensureExcluded,
  ensureWorktree,
  listWorktrees,
  removeWorktree,
  worktreeState,
} from '../../src/git/worktree.js';
import { commitFiles, git, makeTempRepo, type TempRepo } from '../helpers/git-repo.js';

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeTempRepo();
});
afterEach(async () => {
  await repo.cleanup();
});

const wt = (name: string) => join(repo.dir, '.flotilla', 'worktrees', name);
const spec = (name: string) => ({ repo: repo.dir, path: wt(name), branch: `flotilla/${name}`, base: 'main' });

describe('ensureWorktree', () => {
  it('creates a worktree on a new branch from base', async () => {
    await commitFiles(repo.dir, { 'base.txt': 'on main\n' });
    const res = await ensureWorktree(spec('alpha'));
    expect(res).toEqual({ path: wt('alpha'), branch: 'flotilla/alpha', created: true });
    expect(await currentBranch(wt('alpha'))).toBe('flotilla/alpha');
    expect(await readFile(join(wt('alpha'), 'base.txt'), 'utf8')).toBe('on main\n');
    expect(await git(wt('alpha'), 'rev-parse', 'HEAD')).toBe(await git(repo.dir, 'rev-parse', 'main'));
    // No upstream: pushing the agent branch must never target main.
    await expect(git(repo.dir, 'config', 'branch.flotilla/alpha.merge')).rejects.toThrow();
  });

  it('adopts an existing worktree without creating a duplicate', async () => {
    await ensureWorktree(spec('alpha'));
    const again = await ensureWorktree(spec('alpha'));
    expect(again.created).toBe(false);
    const entries = await listWorktrees(repo.dir);
    expect(entries.map((e) => e.branch)).toEqual(['main', 'flotilla/alpha']);
  });

  it('checks out an existing branch that has no worktree', async () => {
    await git(repo.dir, 'branch', 'flotilla/beta');
    await commitFiles(repo.dir, { 'later.txt': 'x' });
    const res = await ensureWorktree(spec('beta'));
    expect(res.created).toBe(true);
    expect(await git(wt('beta'), 'rev-parse', 'HEAD')).toBe(await git(repo.dir, 'rev-parse', 'flotilla/beta'));
  });

  it('recreates a worktree whose directory was deleted', async () => {
    await ensureWorktree(spec('alpha'));
    await rm(wt('alpha'), { recursive: true, force: true });
    const res = await ensureWorktree(spec('alpha'));
    expect(res.created).toBe(true);
    await access(join(wt('alpha'), 'README.md'));
    expect((await listWorktrees(repo.dir)).filter((e) => e.prunable)).toEqual([]);
  });

  it('creates 8 worktrees concurrently', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `agent-${i}`);
    const results = await Promise.all(names.map((n) => ensureWorktree(spec(n))));
    expect(results.every((r) => r.created)).toBe(true);
    const branches = (await listWorktrees(repo.dir)).map((e) => e.branch).sort();
    expect(branches).toEqual(['main', ...names.map((n) => `flotilla/${n}`)].sort());
    for (const n of names) expect(await currentBranch(wt(n))).toBe(`flotilla/${n}`);
  });

  it('creates worktrees concurrently while a stale one is pruned', async () => {
    await ensureWorktree(spec('stale'));
    await rm(wt('stale'), { recursive: true, force: true });
    const names = ['stale', 'p1', 'p2', 'p3'];
    await Promise.all(names.map((n) => ensureWorktree(spec(n))));
    const entries = await listWorktrees(repo.dir);
    expect(entries).toHaveLength(5);
    expect(entries.some((e) => e.prunable)).toBe(false);
  });

  it('fails with unknown-base-branch when base does not exist', async () => {
    const err = await ensureWorktree({ ...spec('alpha'), base: 'no-such-branch' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlotillaError);
    expect((err as FlotillaError).failure).toMatchObject({ reason: 'unknown-base-branch', base: 'no-such-branch' });
    expect(await verifyBranch(repo.dir, 'flotilla/alpha')).toBe(false);
  });

  it('refuses a path that is a worktree on another branch, or a non-empty directory', async () => {
    await ensureWorktree(spec('alpha'));
    await expect(ensureWorktree({ ...spec('alpha'), branch: 'other' })).rejects.toMatchObject({
      failure: { reason: 'worktree-conflict' },
    });
    await mkdir(wt('junk'), { recursive: true });
    await writeFile(join(wt('junk'), 'file'), 'x');
    await expect(ensureWorktree(spec('junk'))).rejects.toMatchObject({ failure: { reason: 'worktree-conflict' } });
    await expect(ensureWorktree({ ...spec('alpha2'), branch: 'flotilla/alpha' })).rejects.toMatchObject({
      failure: { reason: 'worktree-conflict' },
    });
  });
});

describe('ensureExcluded', () => {
  it('hides the worktrees dir from git status of the main checkout, once', async () => {
    await ensureWorktree(spec('alpha'));
    expect(await git(repo.dir, 'status', '--porcelain')).not.toBe('');
    const pattern = await ensureExcluded(repo.dir, join(repo.dir, '.flotilla'));
    expect(pattern).toBe('/.flotilla/');
    await Promise.all([ensureExcluded(repo.dir, join(repo.dir, '.flotilla')), ensureExcluded(repo.dir, join(repo.dir, '.flotilla'))]);
    expect(await git(repo.dir, 'status', '--porcelain')).toBe('');
    const exclude = await readFile(join(repo.dir, '.git', 'info', 'exclude'), 'utf8');
    expect(exclude.split('\n').filter((l) => l === '/.flotilla/')).toHaveLength(1);
  });

  it('finds the shared exclude file when given a linked worktree, and ignores dirs outside the checkout', async () => {
    await ensureWorktree(spec('alpha'));
    await ensureExcluded(wt('alpha'), join(wt('alpha'), 'tmp'));
    const exclude = await readFile(join(repo.dir, '.git', 'info', 'exclude'), 'utf8');
    expect(exclude).toContain('/tmp/');
    expect(await ensureExcluded(repo.dir, repo.scratch)).toBeUndefined();
  });
});

describe('worktreeState and removeWorktree', () => {
  it('reports dirty files and refuses to remove uncommitted work', async () => {
    await ensureWorktree(spec('alpha'));
    await writeFile(join(wt('alpha'), 'README.md'), 'edited\n');
    await writeFile(join(wt('alpha'), 'untracked.txt'), 'new\n');
    const state = await worktreeState(spec('alpha'));
    expect(state).toMatchObject({ exists: true, clean: false, merged: true, aheadBy: 0 });
    expect(state.dirtyFiles.sort()).toEqual(['README.md', 'untracked.txt']);
    expect(await removeWorktree({ ...spec('alpha'), force: false })).toEqual({
      removed: false,
      reason: 'uncommitted-changes',
      branchDeleted: false,
    });
    await access(join(wt('alpha'), 'untracked.txt'));
  });

  it('refuses to remove unmerged commits', async () => {
    await ensureWorktree(spec('alpha'));
    await commitFiles(wt('alpha'), { 'work.txt': 'done\n' }, 'agent work');
    expect(await worktreeState(spec('alpha'))).toMatchObject({ clean: true, merged: false, aheadBy: 1 });
    const res = await removeWorktree({ ...spec('alpha'), force: false });
    expect(res).toMatchObject({ removed: false, reason: 'unmerged-commits' });
    expect(await verifyBranch(repo.dir, 'flotilla/alpha')).toBe(true);
  });

  it('counts commits made on a detached HEAD in the worktree as unmerged', async () => {
    await ensureWorktree(spec('alpha'));
    await git(wt('alpha'), 'checkout', '-q', '--detach');
    await commitFiles(wt('alpha'), { 'work.txt': 'done\n' }, 'detached work');
    expect(await worktreeState(spec('alpha'))).toMatchObject({ merged: false, aheadBy: 1 });
  });

  it('removes a merged clean worktree and deletes its branch, keeping ignored files out of the way', async () => {
    await commitFiles(repo.dir, { '.gitignore': 'node_modules/\n' });
    await ensureWorktree(spec('alpha'));
    await mkdir(join(wt('alpha'), 'node_modules'));
    await writeFile(join(wt('alpha'), 'node_modules', 'x.js'), '');
    await commitFiles(wt('alpha'), { 'work.txt': 'done\n' }, 'agent work');
    await git(repo.dir, 'merge', '-q', '--no-edit', 'flotilla/alpha');
    await git(repo.dir, 'checkout', '-q', '-b', 'elsewhere');
    expect(await worktreeState(spec('alpha'))).toMatchObject({ clean: true, merged: true });
    expect(await removeWorktree({ ...spec('alpha'), force: false })).toEqual({ removed: true, branchDeleted: true });
    await expect(access(wt('alpha'))).rejects.toThrow();
    expect(await verifyBranch(repo.dir, 'flotilla/alpha')).toBe(false);
    expect(await listWorktrees(repo.dir)).toHaveLength(1);
  });

  it('force removes dirty, unmerged and locked worktrees', async () => {
    await ensureWorktree(spec('dirty'));
    await writeFile(join(wt('dirty'), 'scratch.txt'), 'x');
    await ensureWorktree(spec('ahead'));
    await commitFiles(wt('ahead'), { 'work.txt': 'x' });
    await git(repo.dir, 'worktree', 'lock', wt('ahead'));
    for (const name of ['dirty', 'ahead']) {
      expect(await removeWorktree({ ...spec(name), force: true })).toEqual({ removed: true, branchDeleted: true });
      expect(await verifyBranch(repo.dir, `flotilla/${name}`)).toBe(false);
    }
    expect(await listWorktrees(repo.dir)).toHaveLength(1);
  });

  it('cleans up after a worktree whose directory vanished, and is a no-op when nothing is left', async () => {
    await ensureWorktree(spec('alpha'));
    await rm(wt('alpha'), { recursive: true, force: true });
    expect(await worktreeState(spec('alpha'))).toMatchObject({ exists: false, clean: true, merged: true });
    expect(await removeWorktree({ ...spec('alpha'), force: false })).toEqual({ removed: true, branchDeleted: true });
    expect(await listWorktrees(repo.dir)).toHaveLength(1);
    expect(await removeWorktree({ ...spec('alpha'), force: false })).toEqual({ removed: true, branchDeleted: false });
  });

  it('never removes the main checkout', async () => {
    await expect(removeWorktree({ repo: repo.dir, path: repo.dir, branch: 'main', base: 'main', force: true })).rejects.toMatchObject({
      failure: { reason: 'worktree-conflict' },
    });
    await access(join(repo.dir, 'README.md'));
  });
});
