import type { Task } from '../tasks/task.js';

/**
 * Which orchestrator gets a ready task (pure):
 * - round-robin: the next free orchestrator after the one that got work last;
 * - capability: a free orchestrator whose role (or its role's capabilities) matches the task's role;
 *   when only busy ones match, the task waits for them; when none match at all, anyone free takes it;
 * - work-stealing: like capability, but a free orchestrator takes work that matches only busy ones.
 */
export type Strategy = 'round-robin' | 'capability' | 'work-stealing';

export interface Candidate {
  name: string;
  role: string;
  capabilities: string[];
  /** Free: alive, online, not holding a task, and its agent is at its prompt. */
  free: boolean;
}

export function matches(task: Pick<Task, 'role'>, c: Candidate): boolean {
  return task.role === null || c.role === task.role || c.capabilities.includes(task.role);
}

export function pickOrchestrator(task: Pick<Task, 'role'>, candidates: Candidate[], strategy: Strategy, lastIndex: number): Candidate | undefined {
  const free = candidates.filter((c) => c.free);
  if (free.length === 0) return undefined;
  const rotated = rotateAfter(candidates, lastIndex).filter((c) => c.free);
  if (strategy === 'round-robin' || task.role === null) return rotated[0];
  const freeMatching = rotated.filter((c) => matches(task, c));
  if (freeMatching.length > 0) return freeMatching[0];
  const anyMatching = candidates.some((c) => matches(task, c));
  if (!anyMatching) return rotated[0];
  return strategy === 'work-stealing' ? rotated[0] : undefined;
}

function rotateAfter<T>(items: T[], lastIndex: number): T[] {
  const start = (lastIndex + 1) % Math.max(items.length, 1);
  return [...items.slice(start), ...items.slice(0, start)];
}
