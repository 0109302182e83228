import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, updateJson } from '../core/state-file.js';

/**
 * Running supervisors, one entry per mission and tmux server, in
 * $FLOTILLA_HOME/registry.json. Every change is a locked read-modify-write.
 * An entry is stale when its pid is gone or its heartbeat is older than 60 s.
 */
export interface RegistryEntry {
  key: string;
  mission: string;
  pid: number;
  repo: string;
  missionFile: string;
  socket: string | null;
  session: string;
  controlSocket: string;
  stateDir: string;
  startedAt: number;
  heartbeatAt: number;
  state: 'starting' | 'running' | 'paused' | 'stopping';
}

interface RegistryFile {
  version: 1;
  supervisors: Record<string, RegistryEntry>;
}

export const STALE_AFTER_MS = 60_000;
const EMPTY: RegistryFile = { version: 1, supervisors: {} };

export type Liveness = (pid: number) => boolean;

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** A killed process stays signalable until its parent reaps it; on Linux /proc tells. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

export function isStale(entry: RegistryEntry, now: number, alive: Liveness = pidAlive): boolean {
  return !alive(entry.pid) || now - entry.heartbeatAt > STALE_AFTER_MS;
}

export class Registry {
  readonly file: string;
  constructor(home: string, private readonly alive: Liveness = pidAlive, private readonly now: () => number = Date.now) {
    this.file = join(home, 'registry.json');
  }

  /** Live entries; stale ones are removed from the file on the way. */
  async list(): Promise<RegistryEntry[]> {
    const snapshot = await readJson<RegistryFile>(this.file, EMPTY);
    const entries = Object.values(snapshot.supervisors);
    if (!entries.some((e) => isStale(e, this.now(), this.alive))) return entries;
    const next = await updateJson<RegistryFile>(this.file, EMPTY, (reg) => this.withoutStale(reg));
    return Object.values(next.supervisors);
  }

  async get(key: string): Promise<RegistryEntry | undefined> {
    return (await this.list()).find((e) => e.key === key);
  }

  /**
   * Claim the mission for this supervisor. Returns the live entry that already
   * holds it instead, if any: two concurrent `up`s cannot both win.
   */
  async claim(entry: RegistryEntry): Promise<RegistryEntry | undefined> {
    let holder: RegistryEntry | undefined;
    await updateJson<RegistryFile>(this.file, EMPTY, (reg) => {
      const clean = this.withoutStale(reg);
      const current = clean.supervisors[entry.key];
      if (current && current.pid !== entry.pid) holder = current;
      else clean.supervisors[entry.key] = entry;
      return clean;
    });
    return holder;
  }

  async update(key: string, pid: number, patch: Partial<RegistryEntry>): Promise<void> {
    await updateJson<RegistryFile>(this.file, EMPTY, (reg) => {
      const current = reg.supervisors[key];
      if (current && current.pid === pid) reg.supervisors[key] = { ...current, ...patch };
      return reg;
    });
  }

  async remove(key: string, pid: number): Promise<void> {
    await updateJson<RegistryFile>(this.file, EMPTY, (reg) => {
      if (reg.supervisors[key]?.pid === pid) delete reg.supervisors[key];
      return reg;
    });
  }

  private withoutStale(reg: RegistryFile): RegistryFile {
    const supervisors: Record<string, RegistryEntry> = {};
    for (const [k, e] of Object.entries(reg.supervisors)) if (!isStale(e, this.now(), this.alive)) supervisors[k] = e;
    return { version: 1, supervisors };
  }
}
