import { appendFile, mkdir, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { landedHeads } from './candidate.js';
import { FlotillaError } from '../core/errors.js';
import { Git, headCommit, repoRoot, verifyBranch, verifyCommit } from './git.js';
import { excludePattern, parseStatus, parseWorktreeList, type WorktreeEntry } from './porcelain.js';
import { withRepoLock } from './repo-lock.js';

export type { WorktreeEntry } from './porcelain.js';

export interface WorktreeSpec {
  /** Any directory of the user's checkout. */
  repo: string;
  path: string;
  branch: string;
  base: string;
}

export interface WorktreeState {
  exists: boolean;
  clean: boolean;
  dirtyFiles: string[];
  merged: boolean;
  aheadBy: number;
}

export interface RemoveResult {
  removed: boolean;
  reason?: 'uncommitted-changes' | 'unmerged-commits';
  branchDeleted: boolean;
}

/** Absolute path with symlinks resolved as far as the path exists (/tmp vs /private/tmp, say). */
async function canonical(path: string): Promise<string> {
  const abs = resolve(path);
  try {
    return await realpath(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(await canonical(parent), basename(abs));
  }
}

async function gitCommonDir(root: string): Promise<string> {
  const out = (await new Git(root).run(['rev-parse', '--git-common-dir'])).stdout.trim();
  return canonical(resolve(root, out));
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

const excludeWrites = new Map<string, Promise<unknown>>();

/**
 * Hide `worktreesDir` from `git status` of the user's checkout when it lies
 * inside it. Returns the pattern written (or already present), or undefined
 * when the directory is outside the checkout.
 */
export async function ensureExcluded(repo: string, worktreesDir: string): Promise<string | undefined> {
  const root = await canonical(await repoRoot(repo));
  const dir = await canonical(worktreesDir);
  if (!isInside(root, dir)) return undefined;
  const pattern = excludePattern(relative(root, dir).split(sep).join('/'));
  const file = join(await gitCommonDir(root), 'info', 'exclude');
  // Concurrent callers would both see the line missing and append it twice.
  const previous = excludeWrites.get(file) ?? Promise.resolve();
  const write = previous.catch(() => undefined).then(async () => {
    const existing = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    if (existing.split(/\r?\n/).includes(pattern)) return;
    await mkdir(dirname(file), { recursive: true });
    const lead = existing === '' || existing.endsWith('\n') ? '' : '\n';
    await appendFile(file, `${lead}# Flotilla agent worktrees\n${pattern}\n`);
  });
  excludeWrites.set(file, write);
  await write;
  return pattern;
}

export async function listWorktrees(repo: string): Promise<WorktreeEntry[]> {
  const res = await new Git(repo).run(['worktree', 'list', '--porcelain', '-z']);
  return parseWorktreeList(res.stdout);
}

/** The worktree registered at `path` (compared after resolving symlinks), and whether it is the main checkout. */
async function findAt(entries: WorktreeEntry[], path: string): Promise<{ entry: WorktreeEntry; main: boolean } | undefined> {
  for (const [i, entry] of entries.entries()) {
    if ((await canonical(entry.path)) === path) return { entry, main: i === 0 };
  }
  return undefined;
}

async function isNonEmptyDir(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length > 0;
  } catch {
    return false;
  }
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

/**
 * The worktrees, after pruning stale ones. Called under the repository lock:
 * `git worktree prune` may delete a worktree that a concurrent `worktree add`
 * has registered but not yet locked.
 */
async function pruneIfStale(root: string): Promise<WorktreeEntry[]> {
  const entries = await listWorktrees(root);
  if (!entries.some((e) => e.prunable && !e.locked)) return entries;
  await new Git(root).run(['worktree', 'prune']);
  return listWorktrees(root);
}

/**
 * Make sure a worktree for `branch` exists at `path`: adopt an existing one,
 * check out an existing branch, or create the branch from `base`.
 */
export async function ensureWorktree(
  spec: WorktreeSpec & { adoptBranch?: (branch: string) => boolean },
): Promise<{ path: string; branch: string; created: boolean }> {
  const [result] = await ensureWorktrees(spec.repo, spec.base, [spec], { adoptBranch: spec.adoptBranch });
  return result!;
}

/**
 * ensureWorktree for several worktrees of one repository, in order: one look
 * at the worktrees and branches for all of them, then only the adds. Stops at
 * the first that cannot be made; `onCreated` has heard of every one made
 * before it (so a failed start can remove them).
 */
export async function ensureWorktrees(
  repo: string,
  base: string,
  specs: readonly { path: string; branch: string }[],
  opts: { adoptBranch?: (branch: string) => boolean; onCreated?: (path: string, branch: string) => void } = {},
): Promise<{ path: string; branch: string; created: boolean }[]> {
  const root = await repoRoot(repo);
  const lockKey = await gitCommonDir(root);
  const git = new Git(root);
  // Reading .git/worktrees while a sibling is being added fails ("failed to read
  // .git/worktrees/o2/commondir: Success"), so the whole look-then-add holds the lock.
  return withRepoLock(lockKey, async () => {
    const entries = await pruneIfStale(root);
    const branches = await localBranches(root);
    let baseChecked = false;
    const results: { path: string; branch: string; created: boolean }[] = [];
    for (const spec of specs) {
      const path = await canonical(spec.path);
      const { branch } = spec;
      const conflict = (detail: string) => new FlotillaError({ reason: 'worktree-conflict', path, branch, detail });
      const found = await findAt(entries, path);
      if (found?.main) throw conflict('it is the main checkout of the repository');
      if (found) {
        if (found.entry.branch === branch) {
          results.push({ path, branch, created: false });
          continue;
        }
        // A worktree that moved on to another branch we own (a task branch) is still ours.
        if (found.entry.branch && opts.adoptBranch?.(found.entry.branch)) {
          results.push({ path, branch: found.entry.branch, created: false });
          continue;
        }
        const on = found.entry.branch ? `branch "${found.entry.branch}"` : 'a detached HEAD';
        throw conflict(`it is already a worktree on ${on}`);
      }
      const elsewhere = entries.find((e) => e.branch === branch);
      if (elsewhere) throw conflict(`the branch is already checked out at ${elsewhere.path}`);
      if (await isNonEmptyDir(path)) throw conflict('the directory exists and is not a worktree');

      if (branches.has(branch)) {
        await git.run(['worktree', 'add', '--', path, branch]);
      } else {
        if (!baseChecked && !(await verifyCommit(root, base))) throw new FlotillaError({ reason: 'unknown-base-branch', repo: root, base });
        baseChecked = true;
        // --no-track: an agent branch made from origin/main must not push to main.
        await git.run(['worktree', 'add', '--no-track', '-b', branch, '--', path, base]);
      }
      entries.push({ path, branch, head: '', locked: false, prunable: false });
      opts.onCreated?.(path, branch);
      results.push({ path, branch, created: true });
    }
    return results;
  });
}

/** The local branches that point at a commit. */
async function localBranches(root: string): Promise<Set<string>> {
  const out = (await new Git(root).run(['for-each-ref', '--format=%(objecttype) %(refname)', 'refs/heads/'])).stdout;
  const names = out.split('\n').filter((l) => l.startsWith('commit refs/heads/')).map((l) => l.slice('commit refs/heads/'.length));
  return new Set(names);
}

export async function worktreeState(spec: WorktreeSpec): Promise<WorktreeState> {
  const root = await repoRoot(spec.repo);
  if (!(await verifyCommit(root, spec.base))) {
    throw new FlotillaError({ reason: 'unknown-base-branch', repo: root, base: spec.base });
  }
  const path = await canonical(spec.path);
  const found = await findAt(await listWorktrees(root), path);
  const exists = found !== undefined && !found.main && !found.entry.prunable && (await isDir(path));

  let dirtyFiles: string[] = [];
  if (exists) {
    const status = await new Git(path).run(['status', '--porcelain', '-z', '--untracked-files=all']);
    dirtyFiles = parseStatus(status.stdout);
  }

  // The worktree's HEAD counts too: an agent may have detached or switched branches and committed there.
  const tips = new Set<string>();
  if (await verifyBranch(root, spec.branch)) tips.add(await headCommit(root, `refs/heads/${spec.branch}`));
  if (exists && found.entry.head) tips.add(found.entry.head);
  let aheadBy = 0;
  if (tips.size > 0) {
    const baseSha = await headCommit(root, spec.base);
    const count = await new Git(root).run(['rev-list', '--count', ...tips, `^${baseSha}`, '--']);
    aheadBy = Number.parseInt(count.stdout.trim(), 10);
  }
  // Every tip is an ancestor of base exactly when no commit is reachable from a tip but not from base;
  // a tip the merge queue squashed onto base is merged too.
  const merged = aheadBy === 0 || (await allInBase(root, spec.base, [...tips]));
  return { exists, clean: dirtyFiles.length === 0, dirtyFiles, merged, aheadBy };
}

/**
 * True when each of `tips` is exactly a commit the merge queue landed on `base`
 * (squashed, so not an ancestor): its `Flotilla-Head` trailer names it. A tip
 * with anything after what landed is not.
 */
export async function allInBase(root: string, base: string, tips: string[], landed?: Set<string>): Promise<boolean> {
  if (tips.length === 0) return true;
  const heads = landed ?? (await landedHeads(root, base));
  const git = new Git(root);
  for (const tip of tips) {
    const sha = (await git.run(['rev-parse', '--verify', '--quiet', `${tip}^{commit}`], { allowFail: true })).stdout.trim();
    if (!heads.has(sha)) return false;
  }
  return true;
}

/**
 * Remove an agent's worktree and its branch. Without `force`, uncommitted or
 * unmerged work is never removed; the result says why.
 */
export async function removeWorktree(spec: WorktreeSpec & { force: boolean }): Promise<RemoveResult> {
  const root = await repoRoot(spec.repo);
  const lockKey = await gitCommonDir(root);
  const path = await canonical(spec.path);
  if (!spec.force) {
    const state = await worktreeState(spec);
    if (!state.clean) return { removed: false, reason: 'uncommitted-changes', branchDeleted: false };
    if (!state.merged) return { removed: false, reason: 'unmerged-commits', branchDeleted: false };
  }

  const git = new Git(root);
  const entries = await listWorktrees(root);
  const found = await findAt(entries, path);
  if (found?.main) {
    throw new FlotillaError({ reason: 'worktree-conflict', path, branch: spec.branch, detail: 'it is the main checkout of the repository' });
  }
  if (found?.entry.prunable) {
    await withRepoLock(lockKey, () => git.run(['worktree', 'prune']));
  } else if (found) {
    // Without force, git re-checks cleanliness itself, closing the gap since worktreeState looked.
    // A second --force also removes a locked worktree.
    const force = spec.force ? ['--force', '--force'] : [];
    await withRepoLock(lockKey, () => git.run(['worktree', 'remove', ...force, '--', path]));
  }

  let branchDeleted = false;
  const stillCheckedOut = (await listWorktrees(root)).some((e) => e.branch === spec.branch);
  if (!stillCheckedOut && (await verifyBranch(root, spec.branch))) {
    // -D rather than -d: -d compares with the current HEAD of the user's checkout, not with
    // base, and ancestry of base was verified above (or force was given).
    await git.run(['branch', '-D', spec.branch]);
    branchDeleted = true;
  }
  return { removed: true, branchDeleted };
}

/**
 * `down`: delete these branches (a run's task branches) where that loses no
 * work: not checked out anywhere and merged into `base` (or holding nothing
 * of its own); with `force`, every one not checked out. Branches that do not
 * exist are skipped; the rest are reported with the reason they stay.
 */
export async function removeBranches(repo: string, branches: string[], base: string, force: boolean): Promise<{ removed: string[]; kept: { branch: string; why: 'checked-out' | 'unmerged-commits' }[] }> {
  const root = await repoRoot(repo);
  const git = new Git(root);
  const checkedOut = new Set((await listWorktrees(root)).map((e) => e.branch).filter((b): b is string => Boolean(b)));
  const removed: string[] = [];
  const kept: { branch: string; why: 'checked-out' | 'unmerged-commits' }[] = [];
  let landed: Set<string> | undefined;
  for (const branch of [...new Set(branches)]) {
    if (!(await verifyBranch(root, branch))) continue;
    if (checkedOut.has(branch)) {
      kept.push({ branch, why: 'checked-out' });
      continue;
    }
    if (!force) {
      const merged = await git.run(['merge-base', '--is-ancestor', `refs/heads/${branch}`, `refs/heads/${base}`], { allowFail: true });
      // The base's log is read once for all the branches, not once per branch.
      landed ??= await landedHeads(root, `refs/heads/${base}`);
      if (merged.exitCode !== 0 && !(await allInBase(root, `refs/heads/${base}`, [`refs/heads/${branch}`], landed))) {
        kept.push({ branch, why: 'unmerged-commits' });
        continue;
      }
    }
    await git.run(['branch', '-D', branch]);
    removed.push(branch);
  }
  return { removed, kept };
}
