import { FlotillaError } from '../core/errors.js';
import { Git, verifyBranch } from './git.js';

/**
 * Put an orchestrator's worktree on a task's branch. A new branch is cut from
 * the latest base; a branch that exists (a retried task) is resumed, keeping
 * the earlier attempt's commits. Uncommitted leftovers of a previous task are
 * stashed, not thrown away.
 */
export async function switchToTaskBranch(worktree: string, branch: string, base: string): Promise<{ created: boolean; stashed: boolean }> {
  const git = new Git(worktree);
  const dirty = (await git.run(['status', '--porcelain', '-z'])).stdout.length > 0;
  if (dirty) await git.run(['stash', 'push', '--include-untracked', '-m', `flotilla: left over before ${branch}`]);
  // Try to create it first: one git call in the common case; an existing branch is resumed.
  const created = await git.run(['switch', '--quiet', '--no-track', '-c', branch, base], { allowFail: true });
  if (created.exitCode === 0) return { created: true, stashed: dirty };
  if (!(await verifyBranch(worktree, branch))) {
    throw new FlotillaError({ reason: 'git-failed', subcommand: 'switch', cwd: worktree, stderr: created.stderr });
  }
  await git.run(['switch', '--quiet', branch]);
  return { created: false, stashed: dirty };
}
