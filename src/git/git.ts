import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { FlotillaError } from '../core/errors.js';
import { execOffThread } from '../core/exec-off-thread.js';

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
    const result = await spawnProgram('git', args, this.cwd, gitEnv(opts.env), opts.input);
    if ('spawnError' in result) {
      if (result.spawnError.code === 'ENOENT' && (await isDirectory(this.cwd))) {
        throw new FlotillaError({ reason: 'git-not-found' });
      }
      throw new FlotillaError({ reason: 'git-failed', subcommand, cwd: this.cwd, stderr: result.spawnError.message });
    }
    if (result.exitCode !== 0 && !opts.allowFail) {
      throw new FlotillaError({ reason: 'git-failed', subcommand, cwd: this.cwd, stderr: result.stderr });
    }
    return result;
  }

  /**
   * Several git commands in one process: `sh -c SCRIPT flotilla ARGS...`. The
   * script is a constant of the caller; values reach it only as positional
   * parameters ("$1"), never as part of its text. For the supervisor's hot
   * paths: one process started off its thread (see exec-off-thread.ts); sh's
   * own starts of git cost that thread nothing.
   */
  async script(script: string, args: string[]): Promise<GitResult> {
    const result = await execOffThread({ file: 'sh', args: ['-c', script, 'flotilla', ...args], cwd: this.cwd, env: gitEnv(undefined) });
    if ('spawnError' in result) throw new FlotillaError({ reason: 'git-failed', subcommand: 'sh', cwd: this.cwd, stderr: result.spawnError.message });
    return result;
  }
}

/**
 * node:child_process rather than execa on this path: git runs in every
 * supervisor start and agent-side command, and execa's import alone costs
 * ~100-170 ms of start-up here.
 */
function spawnProgram(program: string, args: string[], cwd: string, env: Record<string, string>, input?: string): Promise<GitResult | { spawnError: NodeJS.ErrnoException }> {
  return new Promise((done) => {
    const child = execFile(program, args, { cwd, env, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (err && typeof code === 'string') return done({ spawnError: err as NodeJS.ErrnoException });
      done({ stdout, stderr, exitCode: err ? ((err as { code?: number }).code ?? 1) : 0 });
    });
    if (input === undefined) child.stdin?.end();
    else child.stdin?.end(input);
  });
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

/** The installed git's version ("2.39.5"), or undefined when git is not on PATH. */
export async function gitVersion(): Promise<string | undefined> {
  try {
    return /git version (\S+)/.exec((await new Git(process.cwd()).run(['--version'])).stdout)?.[1];
  } catch (err) {
    if (err instanceof FlotillaError && err.failure.reason === 'git-not-found') return undefined;
    throw err;
  }
}

/** True when the repository has at least one commit. */
export async function hasCommits(repo: string): Promise<boolean> {
  return verifyCommit(repo, 'HEAD');
}
