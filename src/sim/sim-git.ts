import { Git } from '../git/git.js';

/** The little git the sim agent needs. */
export interface SimGit {
  /** True when cwd is inside a git work tree. */
  isWorkTree(): Promise<boolean>;
  /** Stage `paths` and commit them; returns the new commit's short id. */
  commit(paths: string[], message: string): Promise<string>;
  /**
   * Merge `base` into the branch. Conflicted files are taken as the base has them
   * (the caller then edits them again); returns the files that conflicted.
   */
  mergeBase(base: string): Promise<string[]>;
  /** Remove tracked files matching `pathspec`, if any. */
  remove(pathspec: string): Promise<void>;
  /** Commit everything staged and `paths` (a merge in progress included). */
  commitAll(paths: string[], message: string): Promise<string>;
}

/** The part of src/git's `Git` used here, so tests can hand in a recording fake. */
export interface GitRunner {
  run(args: string[], opts?: { allowFail?: boolean }): Promise<{ stdout: string; stderr: string; exitCode: number }>;
}

/** Used only when the repository has no identity, so a commit never fails on a bare machine. */
const FALLBACK_IDENTITY = ['-c', 'user.name=flotilla sim', '-c', 'user.email=sim@flotilla.invalid'];

export function simGit(cwd: string, runner: GitRunner = new Git(cwd)): SimGit {
  const identity = async () => ((await runner.run(['config', 'user.email'], { allowFail: true })).exitCode === 0 ? [] : FALLBACK_IDENTITY);
  return {
    async isWorkTree() {
      try {
        const r = await runner.run(['rev-parse', '--is-inside-work-tree'], { allowFail: true });
        return r.exitCode === 0 && r.stdout.trim() === 'true';
      } catch {
        return false; // git itself missing: not a work tree we can commit in
      }
    },
    async commit(paths, message) {
      await runner.run(['add', '--', ...paths]);
      const hasIdentity = (await runner.run(['config', 'user.email'], { allowFail: true })).exitCode === 0;
      // --allow-empty: rewriting line 1 with the same text must still count as the task's commit.
      await runner.run([...(hasIdentity ? [] : FALLBACK_IDENTITY), 'commit', '--allow-empty', '--quiet', '-m', message, '--', ...paths]);
      return (await runner.run(['rev-parse', '--short', 'HEAD'])).stdout.trim();
    },
    async mergeBase(base) {
      const id = await identity();
      const r = await runner.run([...id, 'merge', '--no-edit', '--no-ff', '--quiet', base], { allowFail: true });
      if (r.exitCode === 0) return [];
      const conflicted = (await runner.run(['diff', '--name-only', '--diff-filter=U'])).stdout.split('\n').filter(Boolean);
      if (conflicted.length === 0) throw new Error(`git merge ${base} failed: ${r.stderr.trim() || r.stdout.trim()}`);
      await runner.run(['checkout', '--theirs', '--', ...conflicted]);
      await runner.run(['add', '--', ...conflicted]);
      return conflicted;
    },
    async remove(pathspec) {
      await runner.run(['rm', '-q', '-r', '--ignore-unmatch', '--', pathspec]);
    },
    async commitAll(paths, message) {
      await runner.run(['add', '--', ...paths]);
      await runner.run([...(await identity()), 'commit', '--allow-empty', '--quiet', '--no-edit', '-m', message]);
      return (await runner.run(['rev-parse', '--short', 'HEAD'])).stdout.trim();
    },
  };
}
