import { access, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSetup } from '../../src/git/setup.js';
import { ensureWorktree } from '../../src/git/worktree.js';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.js';

let repo: TempRepo;
let worktree: string;
let logFile: string;
beforeEach(async () => {
  repo = await makeTempRepo({ files: { '.gitignore': '.env\nconfig/local/\n', 'README.md': 'x\n' } });
  worktree = join(repo.scratch, 'wt');
  logFile = join(repo.scratch, 'logs', 'setup', 'alpha.log');
  await ensureWorktree({ repo: repo.dir, path: worktree, branch: 'alpha', base: 'main' });
});
afterEach(async () => {
  await repo.cleanup();
});

describe('runSetup', () => {
  it('copies .env, skips missing sources and runs commands in the worktree, logging their output', async () => {
    await writeFile(join(repo.dir, '.env'), 'TOKEN=1\n', { mode: 0o600 });
    await mkdir(join(repo.dir, 'config', 'local'), { recursive: true });
    await writeFile(join(repo.dir, 'config', 'local', 'db.json'), '{}');
    const res = await runSetup({
      repo: repo.dir,
      worktree,
      copy: ['.env', 'config/local', 'missing.txt'],
      run: ['echo "hello from $(basename "$PWD")"', 'echo to-stderr >&2; cat .env'],
      logFile,
    });
    expect(res).toEqual({ ok: true });
    expect(await readFile(join(worktree, '.env'), 'utf8')).toBe('TOKEN=1\n');
    expect((await stat(join(worktree, '.env'))).mode & 0o777).toBe(0o600);
    await access(join(worktree, 'config', 'local', 'db.json'));
    const log = await readFile(logFile, 'utf8');
    expect(log).toContain('hello from wt');
    expect(log).toContain('to-stderr');
    expect(log).toContain('TOKEN=1');
    expect(log).toMatch(/skipped: missing\.txt does not exist/);
    expect(log).toMatch(/^\[\d{4}-\d\d-\d\dT[^\]]+\] \$ echo "hello/m);
  });

  it('does not overwrite a file already in the worktree', async () => {
    await writeFile(join(repo.dir, '.env'), 'main\n');
    await writeFile(join(worktree, '.env'), 'agent\n');
    expect(await runSetup({ repo: repo.dir, worktree, copy: ['.env'], run: [], logFile })).toEqual({ ok: true });
    expect(await readFile(join(worktree, '.env'), 'utf8')).toBe('agent\n');
  });

  it('stops at the first failing step and reports it', async () => {
    const res = await runSetup({
      repo: repo.dir,
      worktree,
      copy: [],
      run: ['echo first', 'echo broken >&2; exit 3', 'touch never-ran'],
      logFile,
    });
    expect(res).toEqual({ ok: false, failed: { step: 'echo broken >&2; exit 3', exitCode: 3 } });
    await expect(access(join(worktree, 'never-ran'))).rejects.toThrow();
    const log = await readFile(logFile, 'utf8');
    expect(log).toContain('broken');
    expect(log).toContain('exit 3');
  });

  it('refuses to copy from outside the checkout', async () => {
    const res = await runSetup({ repo: repo.dir, worktree, copy: ['../scratch'], run: ['touch never-ran'], logFile });
    expect(res).toEqual({ ok: false, failed: { step: 'copy ../scratch', exitCode: 1 } });
    await expect(access(join(worktree, 'never-ran'))).rejects.toThrow();
  });

  it('closes stdin so a prompting command fails instead of hanging', async () => {
    const res = await runSetup({ repo: repo.dir, worktree, copy: [], run: ['read answer'], logFile });
    expect(res.ok).toBe(false);
  });
});
