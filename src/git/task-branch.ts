import { FlotillaError } from '../core/errors.js';
import { Git } from './git.js';

/** Where uncommitted leftovers of a worktree are kept: never the stash every worktree shares with the user. */
export function leftoversRef(mission: string, orchestrator: string, now = Date.now()): string {
  return `refs/flotilla/${mission}/leftovers/${orchestrator}-${now}`;
}

/** Every ref Flotilla keeps for a mission under refs/flotilla/<mission>/. */
export async function missionRefs(repo: string, mission: string): Promise<string[]> {
  const out = (await new Git(repo).run(['for-each-ref', '--format=%(refname)', `refs/flotilla/${mission}/`])).stdout;
  return out.split('\n').filter(Boolean);
}

export async function deleteRefs(repo: string, refs: string[]): Promise<void> {
  if (refs.length === 0) return;
  await new Git(repo).run(['update-ref', '--stdin'], { input: refs.map((r) => `delete ${r}\n`).join('') });
}

/**
 * Is the worktree on branch $1? Read from its HEAD file with shell builtins
 * (a linked worktree's .git file names its git dir): on a busy machine each
 * git process counts. Asks git when the layout is not the usual one.
 */
const ON_BRANCH = `
on_branch() {
  if [ -f .git ] && IFS= read -r gitdir < .git && [ -f "\${gitdir#gitdir: }/HEAD" ] && IFS= read -r head < "\${gitdir#gitdir: }/HEAD"; then
    [ "$head" = "ref: refs/heads/$1" ]
  else
    [ "$(git symbolic-ref -q HEAD)" = "refs/heads/$1" ]
  fi
}
`;

/** Commit what is staged as $1, with a stand-in identity when the repository has none. */
const WIP = `
wip() {
  if git config user.email >/dev/null; then git commit --quiet --no-verify -m "$1"
  else git -c user.name=Flotilla -c user.email=flotilla@localhost commit --quiet --no-verify -m "$1"; fi
}
`;

/**
 * One process for the whole switch (see Git.script). $1 the branch, $2 the
 * base, $3 the ref for leftovers, $4 their commit message. Prints "already",
 * or "kept" when leftovers were committed to $3, then "created" or
 * "resumed"; or "held-by PATH" (exit 5) when another worktree has the branch.
 */
const SWITCH = `${WIP}${ON_BRANCH}
on_branch "$1" && { echo already; exit 0; }
leftovers=$(git status --porcelain -z) || exit
if [ -n "$leftovers" ]; then
  git switch --quiet --detach && git add -A && wip "$4" && git update-ref "$3" HEAD || exit
  echo kept
fi
if git switch --quiet --no-track -c "$1" "$2" 2>/dev/null; then echo created; exit 0; fi
# Not created: either it exists (a retried task) or the switch cannot be done (say why).
git rev-parse --verify --quiet "refs/heads/$1^{commit}" >/dev/null || exec git switch --quiet --no-track -c "$1" "$2"
holder=$(git worktree list --porcelain | while IFS= read -r line; do
  case $line in "worktree "*) at=\${line#worktree } ;; "branch refs/heads/$1") echo "$at" ;; esac
done)
[ -n "$holder" ] && { echo "held-by $holder"; exit 5; }
git switch --quiet "$1" && echo resumed
`;

export type Switched = { outcome: 'created' | 'resumed' | 'already'; kept: string | undefined } | { outcome: 'held'; heldBy: string };

/**
 * Put an orchestrator's worktree on a task's branch. A new branch is cut from
 * the latest base; a branch that exists (a retried task) is resumed, keeping
 * the earlier attempt's commits; a worktree already on it is left as it is.
 * Uncommitted leftovers of a previous task are committed under `keptAt` (see
 * leftoversRef), not thrown away and not put on the user's stash. A branch
 * checked out in another worktree is reported, not taken (`held`).
 */
export async function switchToTaskBranch(worktree: string, branch: string, base: string, keptAt: string): Promise<Switched> {
  const r = await new Git(worktree).script(SWITCH, [branch, base, keptAt, `flotilla: left over in this worktree before ${branch}`]);
  const said = r.stdout.split('\n');
  const held = said.find((l) => l.startsWith('held-by '));
  if (r.exitCode === 5 && held) return { outcome: 'held', heldBy: held.slice('held-by '.length) };
  if (r.exitCode !== 0) throw new FlotillaError({ reason: 'git-failed', subcommand: 'switch', cwd: worktree, stderr: r.stderr });
  const outcome = said.includes('already') ? 'already' : said.includes('created') ? 'created' : 'resumed';
  return { outcome, kept: said.includes('kept') ? keptAt : undefined };
}

/** $1 the branch, $2 the message. Prints "committed" when there was work in progress. */
const RELEASE = `${WIP}${ON_BRANCH}
on_branch "$1" || exit 0
if [ -n "$(git status --porcelain -z)" ]; then git add -A && wip "$2" || exit; echo committed; fi
git switch --quiet --detach
`;

/**
 * A worktree gives a task up (its agent went offline, crashed, timed out or
 * failed it): its work in progress is committed on the task's branch, so the
 * next attempt starts from it, and the branch is let go (detached HEAD) so
 * another worktree can check it out. A worktree on another branch is untouched.
 */
export async function releaseTaskBranch(worktree: string, branch: string, message: string): Promise<{ committed: boolean }> {
  const r = await new Git(worktree).script(RELEASE, [branch, message]);
  if (r.exitCode !== 0) throw new FlotillaError({ reason: 'git-failed', subcommand: 'switch --detach', cwd: worktree, stderr: r.stderr });
  return { committed: r.stdout.split('\n').includes('committed') };
}
