import { FlotillaError } from '../core/errors.js';
import { Git } from './git.js';

/**
 * $1 the slot's path, $2 the commit. A slot that is already a worktree is moved to the
 * commit and cleaned of what the last test left (ignored files, such as installed
 * dependencies, stay: the setup steps run once per slot). Prints "created" for a new one.
 */
const CHECKOUT = `
if [ -f "$1/.git" ] && git -C "$1" rev-parse --git-dir >/dev/null 2>&1; then
  git -C "$1" checkout --quiet --force --detach "$2" && git -C "$1" clean -ffdq
else
  git worktree prune && rm -rf "$1" && git worktree add --quiet --force --detach "$1" "$2" && echo created
fi
`;

/**
 * A detached worktree of `repo` at `path` with exactly `commit` checked out, for a
 * test run; made the first time, reused after. Returns true when it was made now.
 */
export async function checkoutTestSlot(repo: string, path: string, commit: string): Promise<boolean> {
  const r = await new Git(repo).script(CHECKOUT, [path, commit]);
  if (r.exitCode !== 0) throw new FlotillaError({ reason: 'git-failed', subcommand: 'worktree', cwd: path, stderr: r.stderr });
  return r.stdout.split('\n').includes('created');
}

/** Remove a test slot's worktree, whatever it holds (it is only ever a copy of a candidate). */
export async function removeTestSlot(repo: string, path: string): Promise<void> {
  await new Git(repo).run(['worktree', 'remove', '--force', '--force', path], { allowFail: true });
  await new Git(repo).run(['worktree', 'prune'], { allowFail: true });
}
