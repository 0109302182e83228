import { GAVE_UP, SATISFIED, type StreamPhase, type Task } from './task.js';

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

export function phaseOpen(phase: StreamPhase, tasks: Tasks): boolean {
  return inPhases(tasks, EARLIER_PHASES[phase]).every((t) => SATISFIED.has(t.state));
}

/** Deps all done and, for a task in a stream, every earlier phase complete. */
export function isEligible(task: Task, tasks: Tasks): boolean {
  if (!task.deps.every((d) => SATISFIED.has(tasks.get(d)?.state ?? 'pending'))) return false;
  return task.stream === null || phaseOpen(task.stream.phase, tasks);
}

/** The id of a dep, or of a task in an earlier phase, that gave up, so `task` can never run. */
export function blockerOf(task: Task, tasks: Tasks): string | undefined {
  const dep = task.deps.find((d) => GAVE_UP.has(tasks.get(d)?.state ?? 'pending'));
  if (dep !== undefined || task.stream === null) return dep;
  return inPhases(tasks, EARLIER_PHASES[task.stream.phase]).find((t) => GAVE_UP.has(t.state))?.id;
}
