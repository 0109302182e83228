import type { SimScript } from './work-types.js';

/**
 * The text delivered to an agent for one task: the task, where to work, what
 * its dependencies produced, and how to say it is finished.
 */
export interface PromptInput {
  mission: string;
  orchestrator: string;
  role: string;
  task: { id: string; title: string; body: string | undefined };
  branch: string;
  deps: { id: string; title: string; summary: string }[];
  /** The merge queue turned the task down: why, and what to do (feedback.ts). */
  feedback?: string;
  sim?: SimScript;
}

export function composePrompt(p: PromptInput): string {
  const lines = [`Task ${p.task.id}: ${p.task.title}`, ''];
  if (p.feedback) lines.push(p.feedback.trim(), '', 'The task as it was given:', '');
  if (p.task.body?.trim()) lines.push(p.task.body.trim(), '');
  lines.push(`You are ${p.orchestrator} (${p.role}) in mission ${p.mission}. Your worktree is on branch ${p.branch}, ${p.feedback ? 'with your earlier work on it' : 'cut from the latest base'}; commit your work there.`);
  if (p.deps.length > 0) {
    lines.push('', 'Finished before this task:');
    for (const d of p.deps) lines.push(`- ${d.id} (${d.title}): ${d.summary || 'no summary'}`);
  }
  lines.push(
    '',
    'When the task is finished and committed, run this as a command of its own (not chained with && or ;):',
    '  flotilla done --summary "<one line on what you did>"',
    'If you cannot finish it, run: flotilla fail --reason "<why>"',
  );
  if (p.sim) lines.push(`sim: ${JSON.stringify(p.sim)}`);
  return lines.join('\n');
}
