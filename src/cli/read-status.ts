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
  const saved = await readJson<MissionStatus | undefined>(missionPaths(ref.home, ref.name, ref.socket).state, undefined);
  if (!saved) return undefined;
  const alive = entry !== undefined;
  return { ...saved, supervisor: { ...saved.supervisor, pid: entry?.pid ?? saved.supervisor.pid, alive } };
}
