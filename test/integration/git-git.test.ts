import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlotillaError } from '../../src/core/errors.js';
import { Git, currentBranch, headCommit, repoRoot, verifyBranch } from '../../src/git/git.js';
import { commitFiles, git, makeTempRepo, type TempRepo } from '../helpers/git-repo.js';

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeTempRepo({ files: { 'src/a.txt': 'a\n' } });
});
afterEach(async () => {
  await repo.cleanup();
});

describe('Git.run', () => {
  it('returns output and passes stdin', async () => {
    const res = await new Git(repo.dir).run(['hash-object', '--stdin'], { input: 'hello\n' });
    expect(res).toEqual({ stdout: 'ce013625030ba8dba906f756967f9e9ca394464a\n', stderr: '', exitCode: 0 });
  });

  it('throws a git-failed error naming the subcommand, unless allowFail', async () => {
    const err = await new Git(repo.dir).run(['-c', 'x.y=1', 'checkout', 'no-such-branch']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlotillaError);
    expect((err as FlotillaError).failure).toMatchObject({ reason: 'git-failed', subcommand: 'checkout', cwd: repo.dir });
    expect((err as FlotillaError).message).toMatch(/^git checkout failed in .*no-such-branch/s);
    const res = await new Git(repo.dir).run(['checkout', 'no-such-branch'], { allowFail: true });
    expect(res.exitCode).not.toBe(0);
  });

  it('runs with the C locale and without inherited GIT_DIR', async () => {
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = '/nonexistent/.git';
    try {
      const res = await new Git(repo.dir).run(['var', 'GIT_EDITOR'], { env: { GIT_EDITOR: 'true' } });
      expect(res.stdout.trim()).toBe('true');
      expect(await repoRoot(join(repo.dir, 'src'))).toBe(repo.dir);
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
  });
});

describe('repository queries', () => {
  it('repoRoot finds the top level from a subdirectory', async () => {
    expect(await repoRoot(join(repo.dir, 'src'))).toBe(repo.dir);
  });

  it('repoRoot throws not-a-git-repo outside a repository and for a missing dir', async () => {
    const plain = await mkdtemp(join(tmpdir(), 'flotilla-plain-'));
    try {
      await expect(repoRoot(plain)).rejects.toMatchObject({ failure: { reason: 'not-a-git-repo' } });
      await expect(repoRoot(join(plain, 'missing'))).rejects.toMatchObject({ failure: { reason: 'not-a-git-repo' } });
      await mkdir(join(plain, 'bare.git'));
      await git(join(plain, 'bare.git'), 'init', '-q', '--bare');
      await expect(repoRoot(join(plain, 'bare.git'))).rejects.toMatchObject({ failure: { reason: 'not-a-git-repo' } });
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });

  it('verifyBranch knows local branches only', async () => {
    await git(repo.dir, 'tag', 'v1');
    expect(await verifyBranch(repo.dir, 'main')).toBe(true);
    expect(await verifyBranch(repo.dir, 'v1')).toBe(false);
    expect(await verifyBranch(repo.dir, 'nope')).toBe(false);
    expect(await verifyBranch(repo.dir, '--all')).toBe(false);
  });

  it('currentBranch and headCommit follow HEAD, including detached', async () => {
    const second = await commitFiles(repo.dir, { 'b.txt': 'b' });
    expect(await currentBranch(repo.dir)).toBe('main');
    expect(await headCommit(repo.dir)).toBe(second);
    await git(repo.dir, 'checkout', '-q', '--detach', 'HEAD~1');
    expect(await currentBranch(repo.dir)).toBeUndefined();
    expect(await headCommit(repo.dir, 'main')).toBe(second);
    expect(await headCommit(repo.dir)).not.toBe(second);
  });
});
