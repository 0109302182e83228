import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FlotillaError } from '../core/errors.js';
import { DEDICATED_SOCKET, flotillaHome, missionKey, missionPaths, tmuxSocket } from '../core/paths.js';
import { Registry, type RegistryEntry } from '../supervisor/registry.js';

export interface MissionRef {
  name: string;
  socket: string | undefined;
  home: string;
}

/**
 * Which mission a command means: a name, a mission file, ./flotilla.yaml, or
 * the only one running on this tmux server. Reads just the file's `name:` so
 * that agent-facing commands stay fast.
 */
export async function resolveMission(arg: string | undefined, opts: { socket?: string }): Promise<MissionRef> {
  const home = flotillaHome();
  const given = tmuxSocket(opts.socket);
  // No server named: a mission known only on Flotilla's own server (tmux.server: dedicated) is that one.
  const onDedicated = (name: string) => !given && !existsSync(missionPaths(home, name, undefined).dir) && existsSync(missionPaths(home, name, DEDICATED_SOCKET).dir);
  const socket = arg && !looksLikeFile(arg) && onDedicated(arg) ? DEDICATED_SOCKET : given;
  if (arg && !looksLikeFile(arg)) {
    if (existsSync(missionPaths(home, arg, socket).dir)) return { name: arg, socket, home };
    const all = await new Registry(home).list();
    const running = all.filter((e) => (e.socket ?? undefined) === socket);
    if (running.some((e) => e.mission === arg)) return { name: arg, socket, home };
    const list = running.map((e) => e.mission).join(', ');
    // Started with --socket and asked for without: say where it is.
    const elsewhere = all.filter((e) => e.mission === arg && (e.socket ?? undefined) !== socket).map((e) => (e.socket ? `--socket ${e.socket}` : 'no --socket (the default server)'));
    const hint = elsewhere.length > 0 ? `; it runs on another tmux server: add ${elsewhere.join(', or ')}` : `; ${list ? `running: ${list}` : 'none is running'}`;
    throw new FlotillaError({ reason: 'usage', message: `no mission "${arg}" on this tmux server${socket ? ` (--socket ${socket})` : ''}${hint}` });
  }
  const file = arg ?? (existsSync('flotilla.yaml') ? 'flotilla.yaml' : undefined);
  if (file) {
    if (!existsSync(file)) throw new FlotillaError({ reason: 'mission-not-found', file: resolve(file) });
    const name = /^name:\s*["']?([A-Za-z0-9_-]+)/m.exec(readFileSync(file, 'utf8'))?.[1];
    if (!name) throw new FlotillaError({ reason: 'invalid-mission', file, messages: [`${file}:1:1: error: no "name:" found; run "flotilla validate ${file}"`] });
    return { name, socket: onDedicated(name) ? DEDICATED_SOCKET : socket, home };
  }
  const all = await new Registry(home).list();
  let running = all.filter((e) => (e.socket ?? undefined) === socket);
  let on = socket;
  if (running.length === 0 && !given) [running, on] = [all.filter((e) => e.socket === DEDICATED_SOCKET), DEDICATED_SOCKET];
  if (running.length === 1) return { name: running[0]!.mission, socket: on, home };
  if (running.length === 0) throw new FlotillaError({ reason: 'usage', message: 'no mission given, no ./flotilla.yaml here, and no mission is running on this tmux server.' });
  throw new FlotillaError({ reason: 'ambiguous-mission', missions: running.map((e) => e.mission) });
}

export async function runningEntry(ref: MissionRef): Promise<RegistryEntry | undefined> {
  return new Registry(ref.home).get(missionKey(ref.name, ref.socket));
}

function looksLikeFile(arg: string): boolean {
  return arg.endsWith('.yaml') || arg.endsWith('.yml') || arg.includes('/') || existsSync(arg);
}
