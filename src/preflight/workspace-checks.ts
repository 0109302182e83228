import { constants } from 'node:fs';
import { access, stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sessionName } from '../core/paths.js';
import { leavesCheckout } from '../git/setup.js';
import type { Mission } from '../mission/schema.js';
import type { CheckResult, PreflightContext } from './preflight.js';

/**
 * Where the mission will write, checked before anything is made: the
 * worktrees folder can be created, there is room for Flotilla's state and
 * the worktrees, every `setup.copy` file is there to copy, and no other
 * running supervisor already works in these worktrees.
 */
export async function workspaceChecks(ctx: PreflightContext): Promise<CheckResult[]> {
  return [
    await worktreesDirCheck(ctx.mission),
    await roomCheck(ctx.home, 'FLOTILLA_HOME', 'its logs and state', 'free some space there, or set FLOTILLA_HOME to a folder on another disk'),
    await roomCheck(ctx.mission.worktreesDir, 'the worktrees folder', 'a checkout per orchestrator', `free some space there, or set "worktrees:" in ${ctx.mission.file} to a folder on another disk`),
    ...(await copyChecks(ctx.mission)),
    ...(await runningElsewhere(ctx)),
  ];
}

/** Less than this free, a mission fails part-way (a log line, a task event, a checkout): refused before anything starts. */
export const MIN_FREE_BYTES = 5 * 1024 * 1024;

async function roomCheck(dir: string, what: string, forWhat: string, fix: string): Promise<CheckResult> {
  let probe = dir;
  while (!(await stat(probe).then(() => true, () => false)) && dirname(probe) !== probe) probe = dirname(probe);
  const fs = await statfs(probe).catch(() => undefined);
  if (!fs) return { check: 'disk-space', ok: true, message: `free space of ${probe} unknown` };
  const free = fs.bavail * fs.bsize;
  const shown = free < 1024 * 1024 ? `${Math.floor(free / 1024)} KB` : `${(free / 1024 / 1024).toFixed(0)} MB`;
  if (free < MIN_FREE_BYTES) return { check: 'disk-space', ok: false, message: `only ${shown} free for ${what} (${dir}); Flotilla needs at least ${MIN_FREE_BYTES / 1024 / 1024} MB there for ${forWhat}`, fix };
  return { check: 'disk-space', ok: true, message: `${shown} free for ${what}` };
}

async function worktreesDirCheck(mission: Mission): Promise<CheckResult> {
  const dir = mission.worktreesDir;
  const fix = `make ${dir} writable, or set "worktrees:" in ${mission.file} to a folder you can write`;
  let probe = dir;
  for (;;) {
    const found = await stat(probe).catch(() => undefined);
    if (found && !found.isDirectory()) return { check: 'worktrees-dir', ok: false, message: `${probe} is a file, so the worktrees folder ${dir} cannot be made`, fix };
    if (found) break;
    if (dirname(probe) === probe) break;
    probe = dirname(probe);
  }
  const writable = await access(probe, constants.W_OK | constants.X_OK).then(() => true, () => false);
  if (!writable) return { check: 'worktrees-dir', ok: false, message: `${probe} is not writable, so the worktrees cannot be made in ${dir}`, fix };
  return { check: 'worktrees-dir', ok: true, message: `worktrees in ${dir}` };
}

async function copyChecks(mission: Mission): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const rel of mission.setup.copy) {
    if (leavesCheckout(rel)) {
      results.push({ check: 'setup-copy', ok: false, message: `setup.copy "${rel}" is not a path inside the repository`, fix: `in ${mission.file}, list paths relative to ${mission.repo} under setup.copy` });
    } else if (!(await stat(join(mission.repo, rel)).then(() => true, () => false))) {
      results.push({ check: 'setup-copy', ok: false, message: `setup.copy "${rel}" does not exist in ${mission.repo}, so no worktree would get it`, fix: `create ${join(mission.repo, rel)}, or remove "${rel}" from setup.copy in ${mission.file}` });
    }
  }
  if (results.length === 0 && mission.setup.copy.length > 0) results.push({ check: 'setup-copy', ok: true, message: `${mission.setup.copy.join(', ')} to copy into each worktree` });
  return results;
}

/** The same mission on another tmux server, or another mission using the same worktree folders. */
async function runningElsewhere({ mission, home, socket, invokedAs }: PreflightContext): Promise<CheckResult[]> {
  const { Registry } = await import('../supervisor/registry.js');
  const { loadMission } = await import('../mission/load.js');
  const results: CheckResult[] = [];
  const mine = new Set(mission.orchestrators.map((o) => join(mission.worktreesDir, o.name)));
  for (const entry of await new Registry(home).list()) {
    if ((entry.socket ?? undefined) === socket && entry.mission === mission.name) continue; // this very mission: `up` says so itself
    const on = entry.socket ? ` --socket ${entry.socket}` : '';
    const stop = `stop it first: ${invokedAs} down ${entry.mission}${on}`;
    if (entry.mission === mission.name && entry.repo === mission.repo) {
      results.push({ check: 'running-elsewhere', ok: false, message: `mission ${mission.name} of ${mission.repo} is already running on tmux server "${entry.socket ?? 'default'}" (supervisor pid ${entry.pid}, session ${sessionName(entry.mission)})`, fix: stop });
      continue;
    }
    const other = await loadMission(entry.missionFile).catch(() => undefined);
    const shared = other?.value?.orchestrators.map((o) => join(other.value!.worktreesDir, o.name)).filter((p) => mine.has(p)) ?? [];
    if (shared.length > 0) {
      results.push({ check: 'running-elsewhere', ok: false, message: `mission ${entry.mission} (supervisor pid ${entry.pid}) is running in the same worktrees: ${shared.join(', ')}`, fix: `${stop}, or give this mission other orchestrator names or its own "worktrees:" folder` });
    }
  }
  return results;
}
