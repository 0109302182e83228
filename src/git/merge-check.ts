import { FlotillaError } from '../core/errors.js';
import { Git } from './git.js';
import { parseMergeTree } from './porcelain.js';

export interface MergeTreeResult {
  clean: boolean;
  /** The merged tree; only for a clean merge, so a tree with conflict markers is never committed by mistake. */
  tree?: string;
  conflicts: string[];
}

/** Throws unknown-ref for the first of `refs` that names no commit. One git process for all of them. */
async function requireCommits(repo: string, refs: string[]): Promise<void> {
  const bad = refs.find((ref) => ref === '' || ref.startsWith('-') || /[\n\0]/.test(ref));
  if (bad !== undefined) throw new FlotillaError({ reason: 'unknown-ref', repo, ref: bad });
  const input = refs.map((ref) => `${ref}^{commit}\n`).join('');
  const res = await new Git(repo).run(['cat-file', '--batch-check'], { input });
  const lines = res.stdout.split('\n');
  refs.forEach((ref, i) => {
    if (!/^[0-9a-f]{40,64} commit /.test(lines[i] ?? '')) throw new FlotillaError({ reason: 'unknown-ref', repo, ref });
  });
}

/** Would merging `theirs` into `ours` conflict? Touches no worktree. */
export async function mergeTree(repo: string, ours: string, theirs: string): Promise<MergeTreeResult> {
  // merge-tree exits 1 both for a conflict and for an unknown ref; check the refs so the two never mix.
  await requireCommits(repo, [ours, theirs]);
  const res = await new Git(repo).run(
    ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', ours, theirs],
    { allowFail: true },
  );
  if (res.exitCode !== 0 && res.exitCode !== 1) {
    throw new FlotillaError({ reason: 'git-failed', subcommand: 'merge-tree', cwd: repo, stderr: res.stderr });
  }
  const { tree, conflicts } = parseMergeTree(res.stdout);
  return res.exitCode === 0 ? { clean: true, tree, conflicts: [] } : { clean: false, conflicts };
}

/** True when commit `a` is an ancestor of (or equal to) `b`. */
export async function isAncestor(repo: string, a: string, b: string): Promise<boolean> {
  if (a.startsWith('-') || b.startsWith('-')) await requireCommits(repo, [a, b]);
  const res = await new Git(repo).run(['merge-base', '--is-ancestor', a, b], { allowFail: true });
  if (res.exitCode === 0) return true;
  if (res.exitCode === 1) return false;
  await requireCommits(repo, [a, b]);
  throw new FlotillaError({ reason: 'git-failed', subcommand: 'merge-base', cwd: repo, stderr: res.stderr });
}
