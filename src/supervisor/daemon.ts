import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, statSync } from 'node:fs';
import { mkdir, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FlotillaError } from '../core/errors.js';
import { packageRoot } from '../core/package-root.js';
import { missionKey, missionPaths } from '../core/paths.js';
import { TmuxServer } from '../tmux/server.js';
import { formatWindowSize, windowSizeFor, WINDOW_SIZE_ENV } from '../tmux/window-size.js';
import { Registry, type RegistryEntry } from './registry.js';

/**
 * Start the supervisor detached from this terminal (its own session, output
 * to supervisor.log) and wait until it reports ready in the registry, or
 * fails, in which case the end of its log is the error.
 */
export async function startDetached(opts: {
  missionFile: string;
  mission: string;
  socket: string | undefined;
  home: string;
  timeoutMs?: number;
  /** Called on each look at the registry while waiting, with the supervisor's pid (up's progress line). */
  onPoll?: (pid: number) => Promise<void>;
}): Promise<RegistryEntry> {
  const paths = missionPaths(opts.home, opts.mission, opts.socket);
  await mkdir(dirname(paths.log), { recursive: true, mode: 0o700 });
  const logOffset = sizeOf(paths.log);
  const fd = openSync(paths.log, 'a', 0o600);
  // The supervisor has no terminal: it makes the session at the size of this one.
  const windowSize = formatWindowSize(await windowSizeFor(new TmuxServer(opts.socket), process.stdout));
  const child = spawn(process.execPath, [superviseEntry(), opts.missionFile, ...(opts.socket ? ['--socket', opts.socket] : [])], {
    detached: true,
    stdio: ['ignore', 'ignore', fd],
    env: { ...process.env, FLOTILLA_HOME: opts.home, [WINDOW_SIZE_ENV]: windowSize },
  });
  closeSync(fd);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const registry = new Registry(opts.home);
  const key = missionKey(opts.mission, opts.socket);
  const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
  try {
    while (Date.now() < deadline) {
      const entry = await registry.get(key);
      if (entry && entry.pid === child.pid && entry.state === 'running') return entry;
      if (exited !== undefined) {
        throw new FlotillaError({ reason: 'supervisor-failed', mission: opts.mission, log: paths.log, tail: logTail(paths.log, logOffset) + (await roomNote(paths.dir)) });
      }
      await opts.onPoll?.(child.pid!);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new FlotillaError({ reason: 'supervisor-failed', mission: opts.mission, log: paths.log, tail: `${logTail(paths.log, logOffset)}\n(not ready after ${(opts.timeoutMs ?? 300_000) / 1000} s)` });
  } finally {
    child.unref();
  }
}

/** The supervisor's bundled entry (see src/cli/supervise-entry.ts). */
function superviseEntry(): string {
  return join(packageRoot, 'dist', 'cli', 'supervise-entry.js');
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** A supervisor that could not even write its log: most often a full disk, which is then said. */
async function roomNote(dir: string): Promise<string> {
  const fs = await statfs(dir).catch(() => undefined);
  if (!fs || fs.bavail * fs.bsize >= 1024 * 1024) return '';
  return `\n(${dir} is on a disk with ${Math.floor((fs.bavail * fs.bsize) / 1024)} KB free: free some space, or set FLOTILLA_HOME to a folder on another disk)`;
}

function logTail(file: string, from: number): string {
  try {
    const text = readFileSync(file, 'utf8').slice(from).trim();
    return text.split('\n').slice(-15).join('\n') || '(empty)';
  } catch {
    return '(no log)';
  }
}
