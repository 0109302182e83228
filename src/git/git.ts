import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { FlotillaError } from '../core/errors.js';

export interface GitRunOptions {
  input?: string;
  env?: Record<string, string>;
  /** Return the result instead of throwing when git exits non-zero. */
  allowFail?: boolean;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Variables git sets for hooks and scripts. Inherited from a hook (or a user's
 * shell), they would point every command at the wrong repository or index.
 */
const REPO_LOCATION_VARS = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_PREFIX',
];

function gitEnv(extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !REPO_LOCATION_VARS.includes(key)) env[key] = value;
  }
  // C locale keeps messages parseable; no prompt means a credential request fails instead of hanging.
  return { ...env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', ...extra };
}

/** The git subcommand in an argv, skipping global options such as `-C dir` and `-c key=value`. */
export function subcommandOf(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-C' || arg === '-c') {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) return arg;
  }
  return args[0] ?? '(none)';
}

/** Runs git in one directory. argv only, never a shell. */
export class Git {
  constructor(readonly cwd: string) {}

  async run(args: string[], opts: GitRunOptions = {}): Promise<GitResult> {
    const subcommand = subcommandOf(args);
    const result = await execa('git', args, {
      cwd: this.cwd,
      env: gitEnv(opts.env),
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
    });
    if (result.failed && result.exitCode === undefined) {
      const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
      if (code === 'ENOENT' && (await isDirectory(this.cwd))) {
        throw new FlotillaError({ reason: 'git-not-found' });
      }
      throw new FlotillaError({ reason: 'git-failed', subcommand, cwd: this.cwd, stderr: result.shortMessage ?? String(result.cause) });
    }
    const out = { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? 1 };
    if (out.exitCode !== 0 && !opts.allowFail) {
      throw new FlotillaError({ reason: 'git-failed', subcommand, cwd: this.cwd, stderr: out.stderr });
    }
    return out;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The top-level directory of the checkout containing `dir`. */
export async function repoRoot(dir: string): Promise<string> {
  const abs = resolve(dir);
  if (!(await isDirectory(abs))) throw new FlotillaError({ reason: 'not-a-git-repo', dir: abs });
  const res = await new Git(abs).run(['rev-parse', '--show-toplevel'], { allowFail: true });
  const root = res.stdout.trim();
  // A bare repository or the inside of .git exits 0 with no top level.
  if (res.exitCode !== 0 || root === '') throw new FlotillaError({ reason: 'not-a-git-repo', dir: abs });
  return root;
}

/** True when `ref` names a commit (branch, tag, sha, `origin/main`, ...). */
export async function verifyCommit(repo: string, ref: string): Promise<boolean> {
  if (ref === '' || ref.startsWith('-')) return false;
  const res = await new Git(repo).run(['rev-parse', '--verify', '-q', `${ref}^{commit}`], { allowFail: true });
  return res.exitCode === 0;
}

/** True when the local branch `name` exists and points at a commit. */
export async function verifyBranch(repo: string, name: string): Promise<boolean> {
  if (name === '' || name.startsWith('-')) return false;
  return verifyCommit(repo, `refs/heads/${name}`);
}

/** The branch checked out in `dir`, or undefined on a detached HEAD. */
export async function currentBranch(dir: string): Promise<string | undefined> {
  const res = await new Git(dir).run(['symbolic-ref', '-q', '--short', 'HEAD'], { allowFail: true });
  if (res.exitCode === 1) return undefined;
  if (res.exitCode !== 0) {
    throw new FlotillaError({ reason: 'git-failed', subcommand: 'symbolic-ref', cwd: dir, stderr: res.stderr });
  }
  return res.stdout.trim();
}

/** The full sha of `ref` (default HEAD) in `dir`. */
export async function headCommit(dir: string, ref = 'HEAD'): Promise<string> {
  const res = await new Git(dir).run(['rev-parse', '--verify', `${ref}^{commit}`]);
  return res.stdout.trim();
}
