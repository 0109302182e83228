import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SimPlan } from './directive.js';
import type { SimGit } from './sim-git.js';

/** The file whose presence under sim/ makes the demo repository's test script fail. */
export const FAIL_MARKER = 'sim/FAIL';

export const COMMIT_SUBJECT_MAX = 60;

export interface EditResult {
  files: string[];
  /** Short id of the commit made, when cwd is a git work tree and the commit worked. */
  commit?: string;
  error?: string;
}

/**
 * The visible outcome of a task: a deterministic edit in the worktree, then
 * a commit. `conflict` rewrites line 1 so two agents given the same file
 * collide on merge; `test-fail` also leaves the marker the demo tests fail on.
 */
export async function editAndCommit(cwd: string, orchestrator: string, plan: SimPlan, git: SimGit): Promise<EditResult> {
  const files = [plan.file];
  try {
    if (plan.fail === 'conflict') await rewriteFirstLine(join(cwd, plan.file), asComment(plan.file, `line 1 rewritten by ${orchestrator}: ${plan.subject}`));
    else await appendLine(join(cwd, plan.file), asComment(plan.file, `${orchestrator}: ${plan.subject}`));
    if (plan.fail === 'test-fail') {
      await writeAt(join(cwd, FAIL_MARKER), `simulated failing test from ${orchestrator}: ${plan.subject}\n`);
      files.push(FAIL_MARKER);
    }
    if (!(await git.isWorkTree())) return { files };
    return { files, commit: await git.commit(files, commitSubject(plan.subject)) };
  } catch (err) {
    return { files, error: (err as Error).message };
  }
}

/**
 * The second attempt, after the merge queue turned the task down: bring the
 * branch up to the base (a conflict is resolved by taking the base's side and
 * making the edit again on top), remove the failing-test marker, commit.
 */
export async function fixAndCommit(cwd: string, orchestrator: string, plan: SimPlan & { fix: string }, git: SimGit): Promise<EditResult> {
  const files = [plan.file];
  try {
    const conflicted = await git.mergeBase(plan.fix);
    await git.remove(FAIL_MARKER);
    await appendLine(join(cwd, plan.file), asComment(plan.file, `${orchestrator}: ${plan.subject} (fixed after review${conflicted.length ? `, conflicts in ${conflicted.join(', ')} resolved` : ''})`));
    return { files, commit: await git.commitAll(files, commitSubject(`Fix: ${plan.subject}`)) };
  } catch (err) {
    return { files, error: (err as Error).message };
  }
}

/** The line as a comment of the file's language, so an edited source file still parses (the demo's tests check that). */
export function asComment(file: string, line: string): string {
  if (/\.(c|m)?[jt]sx?$|\.(go|rs|java|kt|swift|c|h|cpp|cs)$/.test(file)) return `// ${line}`;
  if (/\.(sh|py|rb|ya?ml|toml|pl)$/.test(file)) return `# ${line}`;
  return line;
}

export function commitSubject(subject: string): string {
  const chars = [...subject.trim()];
  return chars.slice(0, COMMIT_SUBJECT_MAX).join('').trimEnd() || 'sim task';
}

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

async function writeAt(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

async function appendLine(file: string, line: string): Promise<void> {
  const old = await readOrEmpty(file);
  const sep = old === '' || old.endsWith('\n') ? '' : '\n';
  await writeAt(file, `${old}${sep}${line}\n`);
}

async function rewriteFirstLine(file: string, line: string): Promise<void> {
  const old = await readOrEmpty(file);
  const nl = old.indexOf('\n');
  await writeAt(file, nl < 0 ? `${line}\n` : `${line}${old.slice(nl)}`);
}
