import { FlotillaError } from '../core/errors.js';
import { Git } from './git.js';
import { parseWorktreeList } from './porcelain.js';

export type LandResult =
  | { outcome: 'landed'; checkouts: string[] }
  /** Someone else moved the base meanwhile: nothing was changed; build again on `now`. */
  | { outcome: 'moved'; now: string }
  /** The base is checked out in a worktree with uncommitted changes: nothing was changed. */
  | { outcome: 'dirty'; worktree: string; files: string[] };

/**
 * Move branch `base` from `old` to `next` (a descendant), with a compare-and-swap so a push
 * or commit of someone else is never overwritten. A worktree that has the base checked out
 * (the user's own checkout, usually) is brought to the new commit when it is clean; when it is
 * dirty nothing moves, unless `skipCheckout`, which leaves its files as they are.
 */
export async function landOnBase(repo: string, base: string, old: string, next: string, opts: { skipCheckout?: boolean } = {}): Promise<LandResult> {
  const git = new Git(repo);
  const ref = `refs/heads/${base}`;
  const worktrees = parseWorktreeList((await git.run(['worktree', 'list', '--porcelain', '-z'])).stdout).filter((w) => w.branch === base && !w.prunable);
  const clean: string[] = [];
  if (!opts.skipCheckout) {
    for (const w of worktrees) {
      // Untracked files do not hold the queue; read-tree below refuses to overwrite one.
      const st = await new Git(w.path).run(['status', '--porcelain', '-z', '--untracked-files=no'], { allowFail: true });
      if (st.exitCode !== 0) continue; // a worktree whose folder is gone: nothing to bring along
      const files = st.stdout.split('\0').filter(Boolean).map((l) => l.slice(3));
      if (files.length > 0) return { outcome: 'dirty', worktree: w.path, files };
      clean.push(w.path);
    }
  }
  const cas = await git.run(['update-ref', '-m', 'flotilla: land from the merge queue', ref, next, old], { allowFail: true });
  if (cas.exitCode !== 0) {
    const now = await git.run(['rev-parse', '--verify', '--quiet', ref], { allowFail: true });
    if (now.exitCode === 0 && now.stdout.trim() !== old) return { outcome: 'moved', now: now.stdout.trim() };
    throw new FlotillaError({ reason: 'git-failed', subcommand: 'update-ref', cwd: repo, stderr: cas.stderr });
  }
  // The branch moved under these checkouts: their index and files go from old to next (a fast-forward).
  for (const path of clean) {
    const r = await new Git(path).run(['read-tree', '-m', '-u', old, next], { allowFail: true });
    if (r.exitCode !== 0) throw new FlotillaError({ reason: 'git-failed', subcommand: 'read-tree', cwd: path, stderr: `${base} moved to ${next.slice(0, 12)} but this checkout could not follow: ${r.stderr.trim()}` });
  }
  return { outcome: 'landed', checkouts: clean };
}

/** The base branch's commit now. */
export async function baseCommit(repo: string, base: string): Promise<string> {
  return (await new Git(repo).run(['rev-parse', '--verify', `refs/heads/${base}^{commit}`])).stdout.trim();
}

/** Push the base branch to `remote`; the rejection's text when it was refused. */
export async function pushBase(repo: string, remote: string, base: string, commit: string): Promise<{ ok: true } | { ok: false; error: string }> {
  const r = await new Git(repo).run(['push', '--quiet', remote, `${commit}:refs/heads/${base}`], { allowFail: true });
  return r.exitCode === 0 ? { ok: true } : { ok: false, error: r.stderr.trim() || `git push exited ${r.exitCode}` };
}
