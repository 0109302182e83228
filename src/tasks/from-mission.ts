import { readFileSync } from 'node:fs';
import type { Mission } from '../mission/schema.js';
import type { TaskDef } from './task.js';

/** The mission's tasks as queue definitions: defaults filled in, timeouts in milliseconds, stream phases resolved. */
export function taskDefsFromMission(mission: Pick<Mission, 'tasks' | 'streams'>): TaskDef[] {
  const phases = new Map(mission.streams.map((s) => [s.name, s.phase]));
  return mission.tasks.map((t) => {
    let stream: TaskDef['stream'] = null;
    if (t.stream !== undefined) {
      const phase = phases.get(t.stream);
      if (phase === undefined) throw new Error(`task "${t.id}" names unknown stream "${t.stream}"`);
      stream = { name: t.stream, phase };
    }
    const body = t.prompt ?? (t.prompt_file !== undefined ? readFileSync(t.prompt_file, 'utf8') : undefined);
    return {
      id: t.id,
      title: t.title,
      deps: t.deps ?? [],
      priority: t.priority ?? 0,
      retries: t.retries ?? 0,
      timeoutMs: t.timeout === undefined ? null : Math.round(t.timeout * 1000),
      role: t.role ?? null,
      stream,
      // prompt_file is already absolute (the loader resolved and checked it); read now so the event log is self-contained.
      ...(body ? { body } : {}),
      ...(t.sim ? { sim: t.sim } : {}),
    };
  });
}
