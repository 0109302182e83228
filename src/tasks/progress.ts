import { phaseOpen } from './phases.js';
import { SATISFIED, type StreamPhase, type Task, type TaskState } from './task.js';

export interface StreamProgress {
  name: string;
  phase: StreamPhase;
  done: number;
  total: number;
  /** Whether the stream's phase may start (every earlier phase complete). */
  open: boolean;
}

/** One entry per stream, in the order streams first appear among the tasks. */
export function streamProgress(tasks: Iterable<Task>, satisfied: ReadonlySet<TaskState> = SATISFIED): StreamProgress[] {
  const all = new Map([...tasks].map((t) => [t.id, t]));
  const out = new Map<string, StreamProgress>();
  for (const t of all.values()) {
    if (!t.stream) continue;
    let p = out.get(t.stream.name);
    if (!p) {
      p = { name: t.stream.name, phase: t.stream.phase, done: 0, total: 0, open: phaseOpen(t.stream.phase, all, satisfied) };
      out.set(p.name, p);
    }
    p.total += 1;
    if (satisfied.has(t.state)) p.done += 1;
  }
  return [...out.values()];
}

/** A bar of `width` cells, filled in proportion; rounds down so a bar is full only when all is done. */
export function progressBar(done: number, total: number, width: number, cells: { full: string; empty: string } = { full: '█', empty: '░' }): string {
  const w = Math.max(0, Math.floor(width));
  const filled = total <= 0 ? 0 : Math.min(w, Math.floor((Math.max(0, done) / total) * w));
  return cells.full.repeat(filled) + cells.empty.repeat(w - filled);
}
