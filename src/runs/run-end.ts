import { readFile } from 'node:fs/promises';
import type { MissionPaths } from '../core/paths.js';
import type { TaskState } from '../tasks/task.js';
import { markFinished, type RunInfo } from './run.js';
import { taskRunTimes } from './summary.js';

/**
 * The end of a run: the moment every task of the mission has ended, done or
 * given up. It is said once per run, in the supervisor log (which the status
 * pane shows) and as a tmux message to the attached clients, and remembered
 * in run.json (`finishedAt`) so that a restarted supervisor does not say it again.
 */
const ENDED = new Set<TaskState>(['done', 'merged', 'failed', 'timed-out', 'cancelled']);
const DONE = new Set<TaskState>(['done', 'merged']);

export function allEnded(tasks: readonly { state: TaskState }[]): boolean {
  return tasks.length > 0 && tasks.every((t) => ENDED.has(t.state));
}

/** "all 9 tasks done in 58 s · speedup 3.1x · stop it with: flotilla down demo" (or "ended …: 8 done, 1 failed"). */
export function endMessage(tasks: readonly { state: TaskState }[], figures: { wallMs: number; taskMs: number }, stop: string): string {
  const counts = new Map<string, number>();
  for (const t of tasks) {
    const key = DONE.has(t.state) ? 'done' : t.state;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const seconds = `${Math.round(figures.wallMs / 1000)} s`;
  const all = tasks.length === 1 ? '1 task' : `all ${tasks.length} tasks`;
  const what = counts.get('done') === tasks.length
    ? `${all} done in ${seconds}`
    : `${all} ended in ${seconds}: ${[...counts].map(([state, n]) => `${n} ${state}`).join(', ')}`;
  const speedup = figures.wallMs > 0 ? figures.taskMs / figures.wallMs : 0;
  return `${what} · speedup ${speedup.toFixed(1)}x · stop it with: ${stop}`;
}

export interface EndDeps {
  paths: MissionPaths;
  run: RunInfo;
  tasks: readonly { state: TaskState }[];
  now: number;
  /** The command that stops the mission, as the user invokes Flotilla. */
  stop: string;
  log: (message: string) => void;
  /** Show the message to whoever is attached. */
  tell: (message: string) => Promise<void>;
}

/** Say the end when every task has ended; true when it was said now. Wall time counts from the run's start (the first up). */
export async function announceEnd(d: EndDeps): Promise<boolean> {
  if (d.run.finishedAt !== undefined || !allEnded(d.tasks)) return false;
  await markFinished(d.paths, d.now);
  const runMs = taskRunTimes(await readFile(d.paths.events, 'utf8').catch(() => ''));
  const taskMs = [...runMs.values()].reduce((a, b) => a + b, 0);
  const message = endMessage(d.tasks, { wallMs: d.now - d.run.startedAt, taskMs }, d.stop);
  const rule = '━'.repeat(Math.min(message.length, 72));
  for (const line of [rule, message, rule]) d.log(line);
  await d.tell(message).catch((err: unknown) => d.log(`could not show the end to attached clients: ${String(err)}`));
  return true;
}
