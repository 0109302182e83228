import { FlotillaError } from '../core/errors.js';
import { Git } from './git.js';

/**
 * One process for the whole switch (see Git.script). $1 the branch, $2 the
 * base, $3 the stash message. Prints "stashed" when leftovers were put aside,
 * then "created" or "resumed".
 */
const SWITCH = `
leftovers=$(git status --porcelain -z) || exit
if [ -n "$leftovers" ]; then
  git stash push --quiet --include-untracked -m "$3" || exit
  echo stashed
fi
if git switch --quiet --no-track -c "$1" "$2" 2>/dev/null; then echo created; exit 0; fi
# Not created: either it exists (a retried task) or the switch cannot be done (say why).
git rev-parse --verify --quiet "refs/heads/$1^{commit}" >/dev/null || exec git switch --quiet --no-track -c "$1" "$2"
git switch --quiet "$1" && echo resumed
`;

/**
 * Put an orchestrator's worktree on a task's branch. A new branch is cut from
 * the latest base; a branch that exists (a retried task) is resumed, keeping
 * the earlier attempt's commits. Uncommitted leftovers of a previous task are
 * stashed, not thrown away.
 */
export async function switchToTaskBranch(worktree: string, branch: string, base: string): Promise<{ created: boolean; stashed: boolean }> {
  const r = await new Git(worktree).script(SWITCH, [branch, base, `flotilla: left over before ${branch}`]);
  const said = r.stdout.split('\n');
  if (r.exitCode !== 0) throw new FlotillaError({ reason: 'git-failed', subcommand: 'switch', cwd: worktree, stderr: r.stderr });
  return { created: said.includes('created'), stashed: said.includes('stashed') };
}
