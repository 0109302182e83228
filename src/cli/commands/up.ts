import { resolve } from 'node:path';
import { FlotillaError } from '../../core/errors.js';
import { bold, print } from '../../core/output.js';
import { flotillaHome, missionKey, sessionName, tmuxSocket } from '../../core/paths.js';

export async function run(file: string, opts: { socket?: string; foreground?: boolean; wait?: boolean; timeout?: number }): Promise<number> {
  const startedAt = Date.now();
  const { loadMissionOrThrow } = await import('../../mission/load.js');
  const mission = await loadMissionOrThrow(resolve(file));
  const socket = tmuxSocket(opts.socket);
  const home = flotillaHome();
  const { Registry } = await import('../../supervisor/registry.js');
  const holder = await new Registry(home).get(missionKey(mission.name, socket));
  if (holder) throw new FlotillaError({ reason: 'already-running', mission: mission.name, pid: holder.pid, session: holder.session });
  if (opts.foreground) {
    const { run: supervise } = await import('./supervise.js');
    return supervise(mission.file, { socket, foreground: true });
  }
  const { startDetached } = await import('../../supervisor/daemon.js');
  const entry = await startDetached({ missionFile: mission.file, mission: mission.name, socket, home });
  const tmux = socket ? `tmux -L ${socket}` : 'tmux';
  print(`${bold(`mission ${mission.name} is up`)}: ${mission.orchestrators.length} orchestrators, supervisor pid ${entry.pid}`);
  print(`  attach:  ${tmux} attach -t ${sessionName(mission.name)}   (or: flotilla attach ${mission.name})`);
  print(`  status:  flotilla status ${mission.name}${socket ? ` --socket ${socket}` : ''}`);
  print(`  keys:    Alt-1..9 jump, Alt-n/Alt-p next/previous, Alt-z zoom, Alt-t tabs/grid (flotilla keys)`);
  print(`  log:     ${entry.stateDir}/supervisor.log`);
  if (!opts.wait) return 0;
  const { waitForTasks } = await import('../wait-for-tasks.js');
  const { missionPaths } = await import('../../core/paths.js');
  return waitForTasks({ controlSocket: entry.controlSocket, eventsFile: missionPaths(home, mission.name, socket).events, startedAt, timeoutS: opts.timeout });
}
