import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTextAtomic } from '../core/state-file.js';

/**
 * What an agent reports about its task. Signals are files in the mission's
 * inbox, written atomically: one sent while the supervisor is down waits for
 * the next supervisor instead of being lost.
 */
export type Signal =
  | { kind: 'done'; orchestrator: string; task: string | null; summary: string; ts: number }
  | { kind: 'fail'; orchestrator: string; task: string | null; reason: string; ts: number }
  | { kind: 'note'; orchestrator: string; task: string | null; text: string; ts: number };

export function inboxDir(stateDir: string): string {
  return join(stateDir, 'inbox');
}

/** The task an orchestrator is working on, written by the supervisor when it delivers one. */
export function currentTaskFile(stateDir: string, orchestrator: string): string {
  return join(stateDir, 'current', `${orchestrator}.json`);
}

export async function sendSignal(stateDir: string, signal: Signal): Promise<string> {
  const name = `${signal.ts}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.json`;
  const file = join(inboxDir(stateDir), name);
  await writeTextAtomic(file, JSON.stringify(signal));
  return file;
}

/** Signals waiting in the inbox, oldest first. */
export async function pendingSignals(stateDir: string): Promise<{ file: string; signal: Signal }[]> {
  const dir = inboxDir(stateDir);
  await mkdir(dir, { recursive: true });
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const out: { file: string; signal: Signal }[] = [];
  for (const n of names) {
    const file = join(dir, n);
    try {
      out.push({ file, signal: JSON.parse(await readFile(file, 'utf8')) as Signal });
    } catch {
      await rm(file, { force: true }); // unreadable: cannot be acted on, and must not block the rest
    }
  }
  return out;
}
