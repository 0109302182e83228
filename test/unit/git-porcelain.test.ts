import { describe, expect, it } from 'vitest';
import { subcommandOf } from '../../src/git/git.js';
import { excludePattern, parseMergeTree, parseStatus, parseWorktreeList } from '../../src/git/porcelain.js';

const sha = (c: string) => c.repeat(40);

describe('parseWorktreeList', () => {
  it('reads branch, detached, locked and prunable worktrees', () => {
    const out = [
      `worktree /repo\0HEAD ${sha('a')}\0branch refs/heads/main\0`,
      `worktree /wt/one two\0HEAD ${sha('b')}\0branch refs/heads/agent/one\0locked\0`,
      `worktree /wt/gone\0HEAD ${sha('c')}\0detached\0prunable gitdir file points to non-existent location\0`,
      `worktree /wt/held\0HEAD ${sha('d')}\0branch refs/heads/held\0locked reason with spaces\0`,
    ].join('\0');
    expect(parseWorktreeList(out)).toEqual([
      { path: '/repo', head: sha('a'), branch: 'main', locked: false, prunable: false },
      { path: '/wt/one two', head: sha('b'), branch: 'agent/one', locked: true, prunable: false },
      { path: '/wt/gone', head: sha('c'), locked: false, prunable: true },
      { path: '/wt/held', head: sha('d'), branch: 'held', locked: true, prunable: false },
    ]);
  });

  it('reads a bare repository entry without HEAD', () => {
    expect(parseWorktreeList('worktree /srv/repo.git\0bare\0\0')).toEqual([
      { path: '/srv/repo.git', head: '', locked: false, prunable: false },
    ]);
  });

  it('returns nothing for empty output', () => {
    expect(parseWorktreeList('')).toEqual([]);
  });
});

describe('parseStatus', () => {
  it('lists modified, untracked and renamed paths, with odd names intact', () => {
    const out = ' M src/a.ts\0?? new file.txt\0R  after.ts\0before.ts\0 D gone\0?? "quoted"\0';
    expect(parseStatus(out)).toEqual(['src/a.ts', 'new file.txt', 'after.ts', 'gone', '"quoted"']);
  });

  it('is empty for a clean tree', () => {
    expect(parseStatus('')).toEqual([]);
  });
});

describe('parseMergeTree', () => {
  it('reads the tree of a clean merge', () => {
    expect(parseMergeTree(`${sha('e')}\0`)).toEqual({ tree: sha('e'), conflicts: [] });
  });

  it('reads conflicted paths and ignores the messages section', () => {
    const out = `${sha('f')}\0a.txt\0dir/b.txt\0\x001\0a.txt\0Auto-merging\0Auto-merging a.txt\n\0`;
    expect(parseMergeTree(out)).toEqual({ tree: sha('f'), conflicts: ['a.txt', 'dir/b.txt'] });
  });
});

describe('excludePattern', () => {
  it('anchors the directory at the repository root', () => {
    expect(excludePattern('.flotilla')).toBe('/.flotilla/');
    expect(excludePattern('.flotilla/worktrees/')).toBe('/.flotilla/worktrees/');
  });

  it('escapes glob characters so only that directory is hidden', () => {
    expect(excludePattern('wt[1]*?')).toBe('/wt\\[1]\\*\\?/');
  });
});

describe('subcommandOf', () => {
  it('skips global options to find the subcommand', () => {
    expect(subcommandOf(['-C', '/x', '-c', 'a=b', '--no-pager', 'worktree', 'add'])).toBe('worktree');
    expect(subcommandOf(['status'])).toBe('status');
  });
});
