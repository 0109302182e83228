import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { missionPaths, sessionName } from '../core/paths.js';
import { readJson } from '../core/state-file.js';
import { deleteRefs, missionRefs } from '../git/task-branch.js';
import { removeBranches, removeWorktree } from '../git/worktree.js';
import { removeTestSlot } from '../git/test-slot.js';
import type { TmuxServer } from '../tmux/server.js';
import { requestControl } from './control-protocol.js';
import { pidAlive, Registry } from './registry.js';
import type { MissionStatus } from './status.js';

export interface TeardownReport {
  mission: string;
  supervisorStopped: boolean;
  sessionKilled: boolean;
  removed: string[];
  kept: { orchestrator: string; worktree: string; branch: string; why: string }[];
  /** The run's task branches deleted, and those kept with why (unmerged work, or checked out in a kept worktree). */
  branchesRemoved: string[];
  branchesKept: { branch: string; why: string }[];
  /** refs/flotilla/<mission>/… holding agents' uncommitted leftovers. */
  leftoversRemoved: string[];
  leftoversKept: string[];
  /** The merge queue's test worktrees (copies of candidates, always removed). */
  testSlotsRemoved: number;
}

/**
 * `flotilla down`: stop the supervisor, close the tmux session, and remove
 * worktrees whose work is merged and committed. Unmerged or uncommitted work
 * is kept (and reported) unless forced.
 */
export async function teardown(opts: { mission: string; socket: string | undefined; home: string; force: boolean; tmux: TmuxServer }): Promise<TeardownReport> {
  const registry = new Registry(opts.home);
  const paths = missionPaths(opts.home, opts.mission, opts.socket);
  const entry = (await registry.list()).find((e) => e.mission === opts.mission && (e.socket ?? undefined) === opts.socket);
  let supervisorStopped = false;
  if (entry) {
    await requestControl(entry.controlSocket, { cmd: 'shutdown' }, 2000).catch(() => undefined);
    supervisorStopped = await waitGone(entry.pid, 5000);
    if (!supervisorStopped) {
      process.kill(entry.pid, 'SIGKILL');
      supervisorStopped = await waitGone(entry.pid, 2000);
      await registry.remove(entry.key, entry.pid);
    }
  }
  const session = sessionName(opts.mission);
  const sessionKilled = await opts.tmux.hasSession(session);
  if (sessionKilled) await opts.tmux.killSession(session);

  const saved = await readJson<MissionStatus | undefined>(paths.state, undefined);
  const report: TeardownReport = { mission: opts.mission, supervisorStopped, sessionKilled, removed: [], kept: [], branchesRemoved: [], branchesKept: [], leftoversRemoved: [], leftoversKept: [], testSlotsRemoved: 0 };
  for (const o of saved?.orchestrators ?? []) {
    const there = existsSync(o.worktree); // gone already (an earlier down): still pruned, not reported again
    const result = await removeWorktree({ repo: saved!.repo, path: o.worktree, branch: o.branch, base: saved!.base, force: opts.force });
    if (result.removed && there) report.removed.push(o.worktree);
    else report.kept.push({ orchestrator: o.name, worktree: o.worktree, branch: o.branch, why: result.reason ?? 'unknown' });
  }
  // The merge queue's test slots live beside the orchestrators' worktrees (src/merge/test-pool.ts).
  const worktrees = saved?.orchestrators[0] ? dirname(saved.orchestrators[0].worktree) : undefined;
  for (const name of worktrees ? await readdir(worktrees).catch(() => []) : []) {
    if (!/^_merge-\d+$/.test(name)) continue;
    await removeTestSlot(saved!.repo, join(worktrees!, name));
    report.testSlotsRemoved++;
  }
  if (saved) {
    // Only the branches this run made: one per task, and one per orchestrator. Nothing of another mission or run.
    const prefix = `flotilla/${opts.mission}/`;
    const branches = [...saved.tasks.map((t) => `${prefix}${t.id}`), ...saved.orchestrators.map((o) => `${prefix}${o.name}`)];
    const result = await removeBranches(saved.repo, branches, saved.base, opts.force);
    report.branchesRemoved = result.removed;
    report.branchesKept = result.kept;
    // Uncommitted leftovers of agents (see task-branch.ts): kept unless forced, as the work in them would be.
    const leftovers = await missionRefs(saved.repo, opts.mission).catch(() => []);
    if (opts.force) await deleteRefs(saved.repo, leftovers);
    report[opts.force ? 'leftoversRemoved' : 'leftoversKept'] = leftovers;
  }
  await rm(paths.heartbeats, { recursive: true, force: true });
  return report;
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !pidAlive(pid);
}
