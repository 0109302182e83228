import { FlotillaError } from '../core/errors.js';
import { gitVersion, hasCommits, repoRoot, verifyBranch } from '../git/git.js';
import { tmuxVersion } from '../tmux/server.js';
import type { CheckResult, PreflightContext } from './preflight.js';

const MIN_TMUX = '3.3';
const MIN_GIT = '2.38';

/** tmux and git are installed and new enough; the mission's repository has commits and its base branch. */
export async function toolChecks(ctx: PreflightContext): Promise<CheckResult[]> {
  const [tmux, git] = await Promise.all([tmuxVersion(), gitVersion()]);
  const results: CheckResult[] = [versionCheck('tmux', tmux, MIN_TMUX, 'install tmux 3.3 or later (Debian: apt-get install -y tmux)')];
  results.push(versionCheck('git', git, MIN_GIT, 'install git 2.38 or later (Debian: apt-get install -y git)'));
  if (git !== undefined) results.push(...(await repoChecks(ctx)));
  return results;
}

function versionCheck(tool: string, found: string | undefined, min: string, fix: string): CheckResult {
  if (found === undefined) return { check: tool, ok: false, message: `${tool} is not installed or not on PATH`, fix };
  if (compareVersions(found, min) < 0) return { check: tool, ok: false, message: `${tool} ${found} is too old (Flotilla needs ${min} or later)`, fix };
  return { check: tool, ok: true, message: `${tool} ${found}` };
}

async function repoChecks({ mission }: PreflightContext): Promise<CheckResult[]> {
  let repo: string;
  try {
    repo = await repoRoot(mission.repo);
  } catch (err) {
    if (!(err instanceof FlotillaError) || err.failure.reason !== 'not-a-git-repo') throw err;
    return [{ check: 'repository', ok: false, message: `${mission.repo} is not inside a git repository`, fix: `run "git init" there and commit, or set "repo:" in ${mission.file}` }];
  }
  if (!(await hasCommits(repo))) {
    return [{ check: 'repository', ok: false, message: `${repo} has no commits yet, so no branch can be cut from "${mission.base}"`, fix: `make a first commit: git -C ${repo} commit --allow-empty -m "first commit"` }];
  }
  if (!(await verifyBranch(repo, mission.base))) {
    return [{ check: 'base-branch', ok: false, message: `base branch "${mission.base}" does not exist in ${repo}`, fix: `set "base:" in ${mission.file} to an existing branch (git -C ${repo} branch --list), or create it` }];
  }
  return [{ check: 'repository', ok: true, message: `${repo}, base branch ${mission.base}` }];
}

/** -1, 0 or 1 for "3.3a" against "3.3": numeric parts only, letters count as a later patch. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => (v.match(/\d+/g) ?? []).map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
