import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CandidateBuilder, landedTasks, taskTrailers } from '../../src/git/candidate.js';
import { landOnBase } from '../../src/git/land.js';
import { allInBase } from '../../src/git/worktree.js';
import { commitFiles, git, makeTempRepo, type TempRepo } from '../helpers/git-repo.js';

let repo: TempRepo;
let base: string;
beforeEach(async () => {
  repo = await makeTempRepo({ files: { 'a.txt': 'a\n', 'shared.txt': 'one\ntwo\n' } });
  base = await git(repo.dir, 'rev-parse', 'main');
});
afterEach(async () => {
  await repo.cleanup();
});

/** A task branch cut from main with `files` committed on it; returns its head. */
async function branch(name: string, files: Record<string, string>): Promise<string> {
  await git(repo.dir, 'switch', '-q', '-c', name, 'main');
  const head = await commitFiles(repo.dir, files, `work on ${name}`);
  await git(repo.dir, 'switch', '-q', 'main');
  return head;
}

const part = (task: string, head: string) => ({ task, head, message: `${task}\n\n${taskTrailers({ mission: 'm', run: 'run-1', task, orchestrator: 'ann', head })}`, date: 1_700_000_000_000 });

describe('merge candidates and landing (real git)', () => {
  it('stacks squashed parts on the base without touching any checkout; the same parts again make the same commit', async () => {
    const x = await branch('x', { 'x.txt': 'x\n' });
    const y = await branch('y', { 'y.txt': 'y\n' });
    const b = new CandidateBuilder(repo.dir, 'squash');
    const built = await b.build(base, [part('x', x), part('y', y)]);
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect((await git(repo.dir, 'ls-tree', '--name-only', built.commit)).split('\n').sort()).toEqual(['a.txt', 'shared.txt', 'x.txt', 'y.txt']);
    // One commit per task, the second on the first, the first on the base.
    expect(await git(repo.dir, 'rev-parse', `${built.commit}~2`)).toBe(base);
    expect(await git(repo.dir, 'rev-list', '--parents', '-n1', built.commit)).toMatch(/^\S+ \S+$/);
    expect(await git(repo.dir, 'rev-parse', 'main')).toBe(base);
    expect(await git(repo.dir, 'status', '--porcelain')).toBe('');
    const again = await b.build(base, [part('x', x), part('y', y)]);
    expect(again.ok && again.commit).toBe(built.commit);
  });

  it('names the conflicting part and its files, never reading a conflict as clean', async () => {
    const x = await branch('x', { 'shared.txt': 'one by x\ntwo\n' });
    const y = await branch('y', { 'shared.txt': 'one by y\ntwo\n' });
    const built = await new CandidateBuilder(repo.dir, 'squash').build(base, [part('x', x), part('y', y)]);
    expect(built).toMatchObject({ ok: false, conflict: { task: 'y', files: ['shared.txt'] } });
    expect(built.parts.map((p) => p.task)).toEqual(['x']);
  });

  it('merge strategy: a merge commit with the task branch as second parent', async () => {
    const x = await branch('x', { 'x.txt': 'x\n' });
    const built = await new CandidateBuilder(repo.dir, 'merge').build(base, [part('x', x)]);
    expect(built.ok && (await git(repo.dir, 'rev-list', '--parents', '-n1', built.commit)).split(' ').slice(1)).toEqual([base, x]);
  });

  it('lands by compare-and-swap, brings a clean checkout along, holds on a dirty one, and refuses when the base moved', async () => {
    const x = await branch('x', { 'x.txt': 'x\n' });
    const built = await new CandidateBuilder(repo.dir, 'squash').build(base, [part('x', x)]);
    if (!built.ok) throw new Error('expected a clean candidate');

    await writeFile(join(repo.dir, 'a.txt'), 'my edit\n');
    expect(await landOnBase(repo.dir, 'main', base, built.commit)).toEqual({ outcome: 'dirty', worktree: repo.dir, files: ['a.txt'] });
    expect(await git(repo.dir, 'rev-parse', 'main')).toBe(base);
    await git(repo.dir, 'checkout', '--', 'a.txt');

    const other = await commitFiles(repo.dir, { 'other.txt': 'pushed by someone\n' }, 'someone else');
    expect(await landOnBase(repo.dir, 'main', base, built.commit)).toEqual({ outcome: 'moved', now: other });
    expect(await git(repo.dir, 'rev-parse', 'main')).toBe(other);

    const rebuilt = await new CandidateBuilder(repo.dir, 'squash').build(other, [part('x', x)]);
    if (!rebuilt.ok) throw new Error('expected a clean candidate');
    expect(await landOnBase(repo.dir, 'main', other, rebuilt.commit)).toEqual({ outcome: 'landed', checkouts: [repo.dir] });
    expect(await git(repo.dir, 'rev-parse', 'HEAD')).toBe(rebuilt.commit);
    expect(await git(repo.dir, 'status', '--porcelain')).toBe('');
    expect(await git(repo.dir, 'show', 'HEAD:x.txt')).toBe('x');
    // Found again after a crash by its trailers; a squashed branch counts as merged for down.
    expect(await landedTasks(repo.dir, 'main', 'run-1')).toEqual(new Map([['x', rebuilt.commit]]));
    expect(await landedTasks(repo.dir, 'main', 'run-2')).toEqual(new Map());
    expect(await allInBase(repo.dir, 'refs/heads/main', ['refs/heads/x'])).toBe(true);
    const y = await branch('y', { 'y.txt': 'y\n' });
    expect(await allInBase(repo.dir, 'refs/heads/main', [y])).toBe(false);
  });
});
