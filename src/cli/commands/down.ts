import { FlotillaError } from '../../core/errors.js';
import { invokedAs } from '../../core/invoked-as.js';
import { bold, print } from '../../core/output.js';
import { flotillaHome, tmuxSocket } from '../../core/paths.js';
import { resolveMission } from '../resolve-mission.js';

export async function run(mission: string | undefined, opts: { all?: boolean; force?: boolean; socket?: string }): Promise<number> {
  const { Registry } = await import('../../supervisor/registry.js');
  const { teardown } = await import('../../supervisor/teardown.js');
  const { TmuxServer } = await import('../../tmux/server.js');
  const home = flotillaHome();
  const socket = tmuxSocket(opts.socket);
  let targets: { name: string; socket: string | undefined }[];
  if (opts.all) {
    if (mission) throw new FlotillaError({ reason: 'usage', message: 'give a mission or --all, not both' });
    targets = (await new Registry(home).list()).filter((e) => !socket || e.socket === socket).map((e) => ({ name: e.mission, socket: e.socket ?? undefined }));
    if (targets.length === 0) print('no missions running');
  } else {
    const ref = await resolveMission(mission, opts);
    targets = [{ name: ref.name, socket: ref.socket }];
  }
  let keptAny = false;
  for (const t of targets) {
    const r = await teardown({ mission: t.name, socket: t.socket, home, force: Boolean(opts.force), tmux: new TmuxServer(t.socket) });
    print(bold(`mission ${r.mission} is down`) + ` (supervisor ${r.supervisorStopped ? 'stopped' : 'was not running'}, tmux session ${r.sessionKilled ? 'closed' : 'was not running'})`);
    const { archiveRun } = await import('../../runs/run.js');
    const { missionPaths } = await import('../../core/paths.js');
    const run = await archiveRun(missionPaths(home, t.name, t.socket), home, 'down');
    if (run) {
      const s = run.summary;
      print(`  archived run ${run.id}: ${s.tasks.length} tasks (${Object.entries(s.counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}), wall time ${(s.wallMs / 1000).toFixed(1)}s, speedup ${s.speedup.toFixed(2)}x; the next up starts fresh ("${invokedAs()} runs" lists past runs)`);
    }
    for (const w of r.removed) print(`  removed worktree ${w}`);
    if (r.branchesRemoved.length > 0) print(`  removed ${r.branchesRemoved.length} branch${r.branchesRemoved.length === 1 ? '' : 'es'} of this run (merged or empty${opts.force ? ', or forced' : ''})`);
    for (const b of r.branchesKept.filter((k) => k.why === 'unmerged-commits')) {
      keptAny = true;
      print(`  kept branch ${b.branch}: has commits not merged into the base branch (delete it with: git branch -D ${b.branch})`);
    }
    if (r.leftoversRemoved.length > 0) print(`  removed ${r.leftoversRemoved.length} ref${r.leftoversRemoved.length === 1 ? '' : 's'} of agents' uncommitted leftovers`);
    if (r.testSlotsRemoved > 0) print(`  removed ${r.testSlotsRemoved} test worktree${r.testSlotsRemoved === 1 ? '' : 's'} of the merge queue`);
    for (const ref of r.leftoversKept) {
      keptAny = true;
      print(`  kept ${ref}: an agent's uncommitted leftovers (look: git show --stat ${ref}; delete: git update-ref -d ${ref})`);
    }
    for (const k of r.kept) {
      keptAny = true;
      const why = k.why === 'uncommitted-changes' ? 'has uncommitted changes' : 'has commits not merged into the base branch';
      print(`  kept ${k.worktree} (${k.orchestrator}, branch ${k.branch}): ${why}`);
    }
  }
  if (keptAny) {
    const which = opts.all ? '--all' : targets[0]!.name;
    const on = opts.all ? (socket ? ` --socket ${socket}` : '') : targets[0]!.socket ? ` --socket ${targets[0]!.socket}` : '';
    print(`Kept worktrees hold work that would be lost. Merge or commit it, or run "${invokedAs()} down ${which}${on} --force" to delete it anyway.`);
  }
  return 0;
}
