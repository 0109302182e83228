import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Flotilla keeps its registry and per-mission state: $FLOTILLA_HOME or the XDG state dir. */
export function flotillaHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLOTILLA_HOME) return env.FLOTILLA_HOME;
  const xdg = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(xdg, 'flotilla');
}

/** The tmux server a command talks to: --socket, else $FLOTILLA_TMUX_SOCKET, else the user's default. */
export function tmuxSocket(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return option || env.FLOTILLA_TMUX_SOCKET || undefined;
}

/** The tmux server (`-L`) of missions with `tmux: { server: dedicated }`. */
export const DEDICATED_SOCKET = 'flotilla';

/** The server a mission runs on: --socket or FLOTILLA_TMUX_SOCKET when given, else the mission's own choice. */
export function missionSocket(option: string | undefined, mission: { tmuxServer: 'default' | 'dedicated' }, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return tmuxSocket(option, env) ?? (mission.tmuxServer === 'dedicated' ? DEDICATED_SOCKET : undefined);
}

export function sessionName(mission: string): string {
  return `flotilla-${mission}`;
}

/** A mission is identified by its name and the tmux server it runs on. */
export function missionKey(mission: string, socket: string | undefined): string {
  return `${socket ?? 'default'}/${mission}`;
}

export interface MissionPaths {
  dir: string;
  log: string;
  state: string;
  events: string;
  heartbeats: string;
  setupLogs: string;
  controlSocket: string;
}

export function missionPaths(home: string, mission: string, socket: string | undefined): MissionPaths {
  const dir = join(home, 'missions', socket ?? 'default', mission);
  return {
    dir,
    log: join(dir, 'supervisor.log'),
    state: join(dir, 'state.json'),
    events: join(dir, 'events.jsonl'),
    heartbeats: join(dir, 'heartbeats'),
    setupLogs: join(dir, 'setup'),
    controlSocket: controlSocketPath(dir),
  };
}

/**
 * Unix socket paths are limited to ~107 bytes; long state dirs get a hashed path in the temp dir.
 * node:crypto is loaded only then: importing it costs agent-side commands ~8 ms of start-up.
 */
function controlSocketPath(dir: string): string {
  const direct = join(dir, 'control.sock');
  if (Buffer.byteLength(direct) < 100) return direct;
  const { createHash } = process.getBuiltinModule('node:crypto');
  const hash = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  // In a directory of this user's own (made 0700 by serveControl), not a name anyone could take first.
  return join(tmpdir(), `flotilla-${process.getuid?.() ?? 0}`, `${hash}.sock`);
}
