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

/**
 * The launcher in each pane's PATH (path-shim.ts) writes done and fail as
 * text, having no JSON encoder: `<ts>-<pid>.sig` holding this line, then the
 * kind, the orchestrator, the task (empty when none was recorded), the time
 * in ms, and the summary or reason, verbatim to the end of the file.
 */
export const TEXT_SIGNAL_MAGIC = 'flotilla-signal 1';

export function parseTextSignal(text: string): Signal | undefined {
  const lines = text.split('\n');
  const [magic, kind, orchestrator, task, ts] = lines;
  if (magic !== TEXT_SIGNAL_MAGIC || !orchestrator || (kind !== 'done' && kind !== 'fail')) return undefined;
  const body = lines.slice(5).join('\n');
  const common = { orchestrator, task: task || null, ts: Number(ts) || Date.now() };
  return kind === 'done' ? { kind, summary: body, ...common } : { kind, reason: body, ...common };
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
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json') || n.endsWith('.sig')).sort();
  const out: { file: string; signal: Signal }[] = [];
  for (const n of names) {
    const file = join(dir, n);
    try {
      const text = await readFile(file, 'utf8');
      const signal = n.endsWith('.sig') ? parseTextSignal(text) : (JSON.parse(text) as Signal);
      if (!signal) throw new Error('not a signal');
      out.push({ file, signal });
    } catch {
      await rm(file, { force: true }); // unreadable: cannot be acted on, and must not block the rest
    }
  }
  return out;
}
