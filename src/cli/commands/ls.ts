import { bold, print, printJson } from '../../core/output.js';
import { flotillaHome, tmuxSocket } from '../../core/paths.js';
import { Registry } from '../../supervisor/registry.js';

export async function run(opts: { json?: boolean; socket?: string }): Promise<number> {
  const socket = tmuxSocket(opts.socket);
  const entries = (await new Registry(flotillaHome()).list()).filter((e) => !socket || e.socket === socket);
  const rows = entries.map((e) => ({
    mission: e.mission,
    pid: e.pid,
    session: e.session,
    socket: e.socket,
    state: e.state,
    repo: e.repo,
    mission_file: e.missionFile,
    control_socket: e.controlSocket,
    started_at: new Date(e.startedAt).toISOString(),
    heartbeat_age_s: Math.round((Date.now() - e.heartbeatAt) / 100) / 10,
  }));
  if (opts.json) {
    printJson(rows);
    return 0;
  }
  if (rows.length === 0) {
    print('no missions running');
    return 0;
  }
  print(bold('MISSION  PID  STATE  SESSION  SOCKET  REPO'));
  for (const r of rows) print(`${r.mission}  ${r.pid}  ${r.state}  ${r.session}  ${r.socket ?? 'default'}  ${r.repo}`);
  return 0;
}
