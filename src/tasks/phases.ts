import { GAVE_UP, SATISFIED, type StreamPhase, type Task, type TaskDef, type TaskState } from './task.js';

/** The phases that must be complete before a stream of this phase may start. */
export const EARLIER_PHASES: Record<StreamPhase, readonly StreamPhase[]> = {
  foundation: [],
  parallel: ['foundation'],
  integration: ['foundation', 'parallel'],
};

type Tasks = ReadonlyMap<string, Task>;

/** Tasks outside any stream neither wait for phases nor hold them up. */
function inPhases(tasks: Tasks, phases: readonly StreamPhase[]): Task[] {
  return [...tasks.values()].filter((t) => t.stream !== null && phases.includes(t.stream.phase));
}

/** `satisfied`: the states that count as finished (only merged when the mission has a merge test). */
export function phaseOpen(phase: StreamPhase, tasks: Tasks, satisfied: ReadonlySet<TaskState> = SATISFIED): boolean {
  return inPhases(tasks, EARLIER_PHASES[phase]).every((t) => satisfied.has(t.state));
}

/** Deps all finished and, for a task in a stream, every earlier phase complete. */
export function isEligible(task: Task, tasks: Tasks, satisfied: ReadonlySet<TaskState> = SATISFIED): boolean {
  if (!task.deps.every((d) => satisfied.has(tasks.get(d)?.state ?? 'pending'))) return false;
  return task.stream === null || phaseOpen(task.stream.phase, tasks, satisfied);
}

/** The id of a dep, or of a task in an earlier phase, that gave up, so `task` can never run. */
export function blockerOf(task: Task, tasks: Tasks): string | undefined {
  const dep = task.deps.find((d) => GAVE_UP.has(tasks.get(d)?.state ?? 'pending'));
  if (dep !== undefined || task.stream === null) return dep;
  return inPhases(tasks, EARLIER_PHASES[task.stream.phase]).find((t) => GAVE_UP.has(t.state))?.id;
}

const RANK: Record<StreamPhase, number> = { foundation: 0, parallel: 1, integration: 2 };

/**
 * A task that depends, directly or through tasks outside streams, on a task
 * of a later phase could never start: its phase waits for that task, which
 * waits for the phase. Returns the first such pair, checking `ids` in a
 * deps-first order.
 */
export function phaseInversion(
  ids: readonly string[],
  depsOf: (id: string) => readonly string[],
  phaseOf: (id: string) => StreamPhase | null,
): { task: string; phase: StreamPhase; dep: string; depPhase: StreamPhase } | undefined {
  // For each task, the latest-phase task among itself and everything it depends on.
  const latest = new Map<string, string | null>();
  const latestOf = (id: string): string | null => {
    if (latest.has(id)) return latest.get(id)!;
    let best: string | null = phaseOf(id) === null ? null : id;
    for (const d of depsOf(id)) {
      const l = latestOf(d);
      if (l !== null && (best === null || RANK[phaseOf(l)!] > RANK[phaseOf(best)!])) best = l;
    }
    latest.set(id, best);
    return best;
  };
  for (const id of ids) {
    const phase = phaseOf(id);
    for (const d of depsOf(id)) {
      const l = latestOf(d);
      if (phase !== null && l !== null && RANK[phaseOf(l)!] > RANK[phase]) return { task: id, phase, dep: l, depPhase: phaseOf(l)! };
    }
    latestOf(id);
  }
  return undefined;
}

/** Throws unless the new tasks (`order`: their ids, deps first) agree with `existing` on stream phases and never wait on a later phase. */
export function checkStreams(defs: readonly TaskDef[], order: readonly string[], existing: ReadonlyMap<string, Task>): void {
  const byId = new Map<string, TaskDef>(defs.map((d) => [d.id, d]));
  const phases = new Map<string, StreamPhase>();
  for (const d of [...existing.values(), ...defs]) {
    if (!d.stream) continue;
    const known = phases.get(d.stream.name);
    if (known !== undefined && known !== d.stream.phase) {
      throw new Error(`task "${d.id}" puts stream "${d.stream.name}" in phase ${d.stream.phase}, but it is ${known}`);
    }
    phases.set(d.stream.name, d.stream.phase);
  }
  const get = (id: string) => byId.get(id) ?? existing.get(id);
  const bad = phaseInversion(order, (id) => get(id)?.deps ?? [], (id) => get(id)?.stream?.phase ?? null);
  if (bad) {
    throw new Error(
      `task "${bad.task}" (phase ${bad.phase}) depends on "${bad.dep}" (phase ${bad.depPhase}), so it could never start: a phase waits for the ones before it`,
    );
  }
}
