import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAncestor, mergeTree } from '../../src/git/merge-check.js';
import { commitFiles, git, makeTempRepo, type TempRepo } from '../helpers/git-repo.js';

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeTempRepo({ files: { 'shared.txt': 'one\ntwo\nthree\n', 'other.txt': 'x\n' } });
});
afterEach(async () => {
  await repo.cleanup();
});

async function branchWith(name: string, files: Record<string, string>): Promise<string> {
  await git(repo.dir, 'checkout', '-q', '-b', name, 'main');
  const sha = await commitFiles(repo.dir, files, name);
  await git(repo.dir, 'checkout', '-q', 'main');
  return sha;
}

describe('mergeTree', () => {
  it('reports a clean merge with its tree, touching no checkout', async () => {
    await branchWith('a', { 'a.txt': 'a\n' });
    await branchWith('b', { 'b.txt': 'b\n' });
    const before = await git(repo.dir, 'status', '--porcelain');
    const res = await mergeTree(repo.dir, 'a', 'b');
    expect(res.clean).toBe(true);
    expect(res.conflicts).toEqual([]);
    expect(await git(repo.dir, 'ls-tree', '--name-only', res.tree ?? '')).toBe('a.txt\nb.txt\nother.txt\nshared.txt');
    expect(await git(repo.dir, 'status', '--porcelain')).toBe(before);
  });

  it('lists the conflicting paths', async () => {
    await branchWith('a', { 'shared.txt': 'one\nTWO-a\nthree\n', 'a.txt': 'a' });
    await branchWith('b', { 'shared.txt': 'one\nTWO-b\nthree\n', 'b.txt': 'b' });
    expect(await mergeTree(repo.dir, 'a', 'b')).toEqual({ clean: false, conflicts: ['shared.txt'] });
  });

  it('rejects an unknown ref instead of calling it a conflict', async () => {
    await expect(mergeTree(repo.dir, 'main', 'no-such')).rejects.toMatchObject({
      failure: { reason: 'unknown-ref', ref: 'no-such' },
    });
    await expect(mergeTree(repo.dir, '--help', 'main')).rejects.toMatchObject({ failure: { reason: 'unknown-ref' } });
  });
});

describe('isAncestor', () => {
  it('tells ancestors from diverged commits', async () => {
    const a = await branchWith('a', { 'a.txt': 'a' });
    expect(await isAncestor(repo.dir, 'main', a)).toBe(true);
    expect(await isAncestor(repo.dir, a, 'main')).toBe(false);
    expect(await isAncestor(repo.dir, 'main', 'main')).toBe(true);
    await expect(isAncestor(repo.dir, 'main', 'no-such')).rejects.toMatchObject({ failure: { reason: 'unknown-ref' } });
  });
});
