import type { Rejection } from './entry.js';

/** One line for status and the log. */
export function rejectionReason(why: Rejection, base: string): string {
  if (why.kind === 'conflict') return `conflicts with ${base} in ${why.files.slice(0, 5).join(', ')}${why.files.length > 5 ? ', …' : ''}`;
  const batch = why.batch.length > 1 ? ` (found as the culprit of the batch ${why.batch.join(', ')})` : '';
  return `"${why.command}" failed on the candidate (${why.outcome.summary})${batch}`;
}

/**
 * What the agent that takes the task again is told: what failed, the evidence
 * (the last lines of the test output, or the conflicted files) and what to do.
 */
export function feedbackText(t: { task: string; title: string; base: string; why: Rejection; rejections: number; maxAttempts: number }): string {
  const lines = [`The merge queue turned down task ${t.task} (${t.title}): ${rejectionReason(t.why, t.base)}.`, ''];
  if (t.why.kind === 'conflict') {
    lines.push(`Your branch conflicts with the latest ${t.base} in these files:`, ...t.why.files.map((f) => `  ${f}`), '');
  } else {
    lines.push(`The test command \`${t.why.command}\` ran on your work squashed onto the latest ${t.base} (candidate ${t.why.candidate.slice(0, 12)}) and ended with ${t.why.outcome.summary}.`);
    if (t.why.outcome.log) lines.push(`Its whole output: ${t.why.outcome.log}`);
    lines.push('', `The last ${t.why.outcome.tail.length} lines of its output:`, ...t.why.outcome.tail.map((l) => `  | ${l}`), '');
  }
  lines.push(
    'What to do:',
    `1. Bring your branch up to date with the base: git merge ${t.base} (resolve any conflicts, keeping both sides' intent).`,
    t.why.kind === 'conflict' ? '2. Check that the merged result still does what both sides meant.' : `2. Fix the failure; check that \`${t.why.command}\` passes in your worktree.`,
    '3. Commit, then run flotilla done --summary "<what you fixed>" as a command of its own.',
    '',
    `This was rejection ${t.rejections}; after ${t.maxAttempts} the task is left for a person.`,
  );
  return lines.join('\n');
}
