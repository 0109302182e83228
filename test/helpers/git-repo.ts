import { mkdtemp, mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Git } from '../../src/git/git.js';

export interface TempRepo {
  /** The checkout's directory, symlinks resolved. */
  dir: string;
  /** An empty directory beside the checkout (not inside it), removed by cleanup too. */
  scratch: string;
  cleanup(): Promise<void>;
}

/** Run git in `dir` and return trimmed stdout; throws on a non-zero exit. */
export async function git(dir: string, ...args: string[]): Promise<string> {
  return (await new Git(dir).run(args)).stdout.trim();
}

/** Write `files` (path -> content) under `dir` and commit them. Returns the new commit's sha. */
export async function commitFiles(dir: string, files: Record<string, string>, message = 'change'): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  await git(dir, 'add', '--', ...Object.keys(files));
  await git(dir, 'commit', '-q', '--no-verify', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/**
 * A real repository in a fresh temp dir with one commit on `branch`. Identity and
 * signing are set locally so tests pass on machines without a global git config.
 */
export async function makeTempRepo(opts: { files?: Record<string, string>; branch?: string } = {}): Promise<TempRepo> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'flotilla-git-')));
  const dir = join(root, 'repo');
  const scratch = join(root, 'scratch');
  await mkdir(dir);
  await mkdir(scratch);
  const cleanup = () => rm(root, { recursive: true, force: true });
  try {
    await git(dir, 'init', '-q', '-b', opts.branch ?? 'main');
    await git(dir, 'config', 'user.name', 'Flotilla Test');
    await git(dir, 'config', 'user.email', 'test@flotilla.invalid');
    await git(dir, 'config', 'commit.gpgsign', 'false');
    await git(dir, 'config', 'tag.gpgsign', 'false');
    await commitFiles(dir, opts.files ?? { 'README.md': '# test repository\n' }, 'initial commit');
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { dir, scratch, cleanup };
}
