import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { missionPaths } from '../core/paths.js';
import { readJson } from '../core/state-file.js';
import { requestControl } from '../supervisor/control-protocol.js';
import type { MissionStatus } from '../supervisor/status.js';
import { runningEntry, type MissionRef } from './resolve-mission.js';

/** Live status from the supervisor; if it is not running, the last state it saved, marked not alive. */
export async function readStatus(ref: MissionRef): Promise<MissionStatus | undefined> {
  const entry = await runningEntry(ref);
  if (entry) {
    try {
      const reply = await requestControl(entry.controlSocket, { cmd: 'status' });
      if (reply.ok) return reply.data as MissionStatus;
    } catch {
      // fall through to the saved state: the supervisor may be starting or wedged
    }
  }
  const paths = missionPaths(ref.home, ref.name, ref.socket);
  // After down the run is archived (no run.json): what state.json still holds is for down --force, not a mission to show.
  // run.json by name: runs/run.ts would cost `flotilla status` (a fast-path command) node:crypto's load.
  if (!entry && !existsSync(join(paths.dir, 'run.json'))) return undefined;
  const saved = await readJson<MissionStatus | undefined>(paths.state, undefined);
  if (!saved) return undefined;
  const alive = entry !== undefined;
  return { ...saved, supervisor: { ...saved.supervisor, pid: entry?.pid ?? saved.supervisor.pid, alive } };
}
