import { FlotillaError } from '../core/errors.js';
import { Git } from './git.js';
import { parseMergeTree } from './porcelain.js';

/** One task's branch to put on top of a candidate. */
export interface CandidatePart {
  task: string;
  /** The branch's commit to take. */
  head: string;
  /** The commit message (squash: the task's title, summary and trailers). */
  message: string;
  /** The commit's date (ms): the same part on the same parent is then the same commit when built again. */
  date: number;
}

export type CandidateResult =
  | {
      ok: true;
      /** The candidate's commit and tree: what is tested, and what the base moves to. */
      commit: string;
      tree: string;
      /** The commit each part made; null when it brought nothing new (its changes were there already). */
      parts: { task: string; commit: string | null }[];
    }
  | { ok: false; conflict: { task: string; files: string[] }; parts: { task: string; commit: string | null }[] };

/** Used only when the repository has no identity, so a candidate never fails on a bare machine. */
const FALLBACK_IDENTITY = {
  GIT_AUTHOR_NAME: 'Flotilla',
  GIT_AUTHOR_EMAIL: 'flotilla@localhost',
  GIT_COMMITTER_NAME: 'Flotilla',
  GIT_COMMITTER_EMAIL: 'flotilla@localhost',
};

/**
 * Builds merge candidates with plumbing only: `merge-tree --write-tree` then
 * `commit-tree`, never a worktree or the index, so candidates stack on top of
 * each other while agents and tests use the checkouts.
 */
export class CandidateBuilder {
  private readonly git: Git;
  private identity: Promise<Record<string, string>> | undefined;

  constructor(repo: string, private readonly strategy: 'squash' | 'merge') {
    this.git = new Git(repo);
  }

  /** `parts` one after the other on `parent`; stops at the first that conflicts. */
  async build(parent: string, parts: CandidatePart[]): Promise<CandidateResult> {
    const env = await (this.identity ??= this.findIdentity());
    let commit = parent;
    let tree = await this.treeOf(parent);
    const made: { task: string; commit: string | null }[] = [];
    for (const part of parts) {
      const merged = await this.mergeTree(commit, part.head);
      if (!merged.clean) return { ok: false, conflict: { task: part.task, files: merged.conflicts }, parts: made };
      if (merged.tree === tree) {
        made.push({ task: part.task, commit: null });
        continue;
      }
      const parents = this.strategy === 'merge' ? ['-p', commit, '-p', part.head] : ['-p', commit];
      const date = `${Math.floor(part.date / 1000)} +0000`;
      commit = (await this.git.run(['commit-tree', merged.tree, ...parents, '-F', '-'], { input: part.message, env: { ...env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } })).stdout.trim();
      tree = merged.tree;
      made.push({ task: part.task, commit });
    }
    return { ok: true, commit, tree, parts: made };
  }

  /** True when `head` has nothing that `base` lacks (no commits of its own). */
  async contains(base: string, head: string): Promise<boolean> {
    const r = await this.git.run(['merge-base', '--is-ancestor', head, base], { allowFail: true });
    if (r.exitCode === 0 || r.exitCode === 1) return r.exitCode === 0;
    throw new FlotillaError({ reason: 'git-failed', subcommand: 'merge-base', cwd: this.git.cwd, stderr: r.stderr });
  }

  async treeOf(commit: string): Promise<string> {
    return (await this.git.run(['rev-parse', '--verify', '--quiet', `${commit}^{tree}`])).stdout.trim();
  }

  private async mergeTree(ours: string, theirs: string): Promise<{ clean: true; tree: string } | { clean: false; conflicts: string[] }> {
    const res = await this.git.run(['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', ours, theirs], { allowFail: true });
    // Exit 1 is a conflict only with output to show for it: an unknown commit also exits 1, with nothing on stdout.
    if (res.exitCode === 0) return { clean: true, tree: parseMergeTree(res.stdout).tree };
    if (res.exitCode === 1 && res.stdout !== '') {
      const { conflicts } = parseMergeTree(res.stdout);
      return { clean: false, conflicts: conflicts.length > 0 ? conflicts : ['(git named no file)'] };
    }
    throw new FlotillaError({ reason: 'git-failed', subcommand: 'merge-tree', cwd: this.git.cwd, stderr: res.stderr || `exit ${res.exitCode}` });
  }

  private async findIdentity(): Promise<Record<string, string>> {
    const r = await this.git.run(['config', 'user.email'], { allowFail: true });
    return r.exitCode === 0 ? {} : FALLBACK_IDENTITY;
  }
}

/** The trailers that name a landed task; the queue finds landed tasks by them after a crash. */
export function taskTrailers(t: { mission: string; run: string; task: string; orchestrator: string; head: string }): string {
  return `Flotilla-Mission: ${t.mission}\nFlotilla-Run: ${t.run}\nFlotilla-Task: ${t.task}\nFlotilla-Orchestrator: ${t.orchestrator}\nFlotilla-Head: ${t.head}\n`;
}

/** Tasks of run `run` that landed on `base` among its last `depth` first-parent commits: task → commit. */
export async function landedTasks(repo: string, base: string, run: string, depth = 1000): Promise<Map<string, string>> {
  const format = '%H%x1f%(trailers:key=Flotilla-Run,valueonly,separator=%x2c)%x1f%(trailers:key=Flotilla-Task,valueonly,separator=%x2c)%x1e';
  const r = await new Git(repo).run(['log', '--first-parent', `-n${depth}`, `--format=${format}`, `refs/heads/${base}`, '--'], { allowFail: true });
  const found = new Map<string, string>();
  if (r.exitCode !== 0) return found;
  for (const record of r.stdout.split('\x1e')) {
    const [commit, r, task] = record.trim().split('\x1f');
    if (commit && r?.trim() === run && task?.trim() && !found.has(task.trim())) found.set(task.trim(), commit);
  }
  return found;
}

/** Every branch commit the merge queue landed on `base` (the `Flotilla-Head` trailers of its last `depth` first-parent commits). */
export async function landedHeads(repo: string, base: string, depth = 5000): Promise<Set<string>> {
  const r = await new Git(repo).run(['log', '--first-parent', `-n${depth}`, '--format=%(trailers:key=Flotilla-Head,valueonly,separator=%x2c)', base, '--'], { allowFail: true });
  return new Set(r.exitCode === 0 ? r.stdout.split(/[\n,]/).map((l) => l.trim()).filter(Boolean) : []);
}
