/**
 * A run's figures from its event log alone: each task's last state and the
 * run time of its last attempt (running -> done), the wall time from the
 * first event to the last, and the speedup (task time over wall time).
 */
export interface RunSummary {
  tasks: { id: string; state: string; orchestrator: string | null; ms: number | null }[];
  counts: Record<string, number>;
  wallMs: number;
  taskMs: number;
  speedup: number;
}

interface Line {
  event?: string;
  ts: number;
  task: string;
  orchestrator: string | null;
  to: string;
}

function lines(text: string): Line[] {
  return text.split('\n').flatMap((raw) => {
    if (!raw.trim()) return [];
    try {
      const e = JSON.parse(raw) as Line;
      return e.event === 'attention' ? [] : [e];
    } catch {
      return []; // a torn last line
    }
  });
}

/** Each task's last attempt, running -> done, in ms. */
export function taskRunTimes(text: string): Map<string, number> {
  const started = new Map<string, number>();
  const took = new Map<string, number>();
  for (const e of lines(text)) {
    if (e.to === 'running') started.set(e.task, e.ts);
    if (e.to === 'done' && started.has(e.task)) took.set(e.task, e.ts - started.get(e.task)!);
  }
  return took;
}

/**
 * `span`: the run's own start and (when it ended) finish, so that the wall time
 * is the one `up --wait` and the end-of-run message give; without it, the
 * first event to the last.
 */
export function summarizeRun(text: string, span?: { startedAt: number; finishedAt?: number }): RunSummary {
  const events = lines(text);
  const last = new Map<string, { state: string; orchestrator: string | null }>();
  for (const e of events) last.set(e.task, { state: e.to, orchestrator: e.orchestrator ?? last.get(e.task)?.orchestrator ?? null });
  const times = taskRunTimes(text);
  const tasks = [...last].map(([id, t]) => ({ id, state: t.state, orchestrator: t.orchestrator, ms: times.get(id) ?? null }));
  const counts: Record<string, number> = {};
  for (const t of tasks) counts[t.state] = (counts[t.state] ?? 0) + 1;
  const lastTs = events.length > 0 ? events[events.length - 1]!.ts : undefined;
  const firstTs = span?.startedAt ?? events[0]?.ts;
  const endTs = span?.finishedAt ?? lastTs;
  const wallMs = firstTs !== undefined && endTs !== undefined ? Math.max(0, endTs - firstTs) : 0;
  const taskMs = [...times.values()].reduce((a, b) => a + b, 0);
  return { tasks, counts, wallMs, taskMs, speedup: wallMs > 0 ? taskMs / wallMs : 0 };
}
