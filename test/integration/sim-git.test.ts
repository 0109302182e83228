import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Git } from '../../src/git/git.js';
import { planTask } from '../../src/sim/directive.js';
import { simGit } from '../../src/sim/sim-git.js';
import { editAndCommit } from '../../src/sim/work.js';
import { git, makeTempRepo, type TempRepo } from '../helpers/git-repo.js';

/** The sim agent's edit-and-commit step against real git. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function repo(files?: Record<string, string>): Promise<TempRepo> {
  const r = await makeTempRepo(files ? { files } : {});
  cleanups.push(r.cleanup);
  return r;
}

const plan = (prompt: string, orchestrator: string) => planTask(prompt, {}, orchestrator).plan;

describe('sim agent edits against real git', () => {
  it('commits only its own files, with the prompt subject as message', async () => {
    const r = await repo();
    await writeFile(join(r.dir, 'untracked-noise.txt'), 'not mine\n');
    const res = await editAndCommit(r.dir, 'alpha', plan('Add a changelog entry for the parser fix, and more words here to pass sixty', 'alpha'), simGit(r.dir));
    expect(res.error).toBeUndefined();
    expect(res.commit).toBe(await git(r.dir, 'rev-parse', '--short', 'HEAD'));
    expect(await git(r.dir, 'log', '-1', '--format=%s')).toBe('Add a changelog entry for the parser fix, and more words her');
    expect(await git(r.dir, 'show', '--name-only', '--format=', 'HEAD')).toBe('sim/alpha.txt');
    expect(await git(r.dir, 'status', '--porcelain')).toBe('?? untracked-noise.txt');
  });

  it('test-fail commits sim/FAIL next to the edit', async () => {
    const r = await repo();
    await editAndCommit(r.dir, 'alpha', plan('Break the tests\nsim: {"fail": "test-fail"}', 'alpha'), simGit(r.dir));
    expect((await git(r.dir, 'show', '--name-only', '--format=', 'HEAD')).split('\n').sort()).toEqual(['sim/FAIL', 'sim/alpha.txt']);
  });

  it('conflict: two agents rewriting line 1 of the same file cannot both merge', async () => {
    const r = await repo({ 'README.md': '# demo\nbody\n' });
    const prompt = 'Retitle\nsim: {"fail": "conflict", "file": "README.md"}';
    for (const who of ['alpha', 'beta']) {
      await git(r.dir, 'checkout', '-q', '-b', who, 'main');
      const res = await editAndCommit(r.dir, who, plan(prompt, who), simGit(r.dir));
      expect(res.error).toBeUndefined();
    }
    expect(await readFile(join(r.dir, 'README.md'), 'utf8')).toBe('line 1 rewritten by beta: Retitle\nbody\n');
    const merge = await new Git(r.dir).run(['merge-tree', '--write-tree', '--name-only', 'alpha', 'beta'], { allowFail: true });
    expect(merge.exitCode).toBe(1);
    expect(merge.stdout).toContain('README.md');
  });

  it('commits without a configured identity, and skips git outside a work tree', async () => {
    const r = await repo();
    await git(r.dir, 'config', '--unset', 'user.email');
    await git(r.dir, 'config', '--unset', 'user.name');
    // Hide the machine's own identity so the fallback is what gets used.
    const saved = { global: process.env.GIT_CONFIG_GLOBAL, system: process.env.GIT_CONFIG_NOSYSTEM };
    process.env.GIT_CONFIG_GLOBAL = '/dev/null';
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    cleanups.push(async () => {
      for (const [key, value] of [['GIT_CONFIG_GLOBAL', saved.global], ['GIT_CONFIG_NOSYSTEM', saved.system]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });
    const res = await editAndCommit(r.dir, 'alpha', plan('No identity', 'alpha'), simGit(r.dir));
    expect(res.error).toBeUndefined();
    expect(await git(r.dir, 'log', '-1', '--format=%an <%ae>')).toBe('flotilla sim <sim@flotilla.invalid>');

    const plain = await mkdtemp(join(tmpdir(), 'flotilla-sim-plain-'));
    cleanups.push(() => rm(plain, { recursive: true, force: true }));
    expect(await simGit(plain).isWorkTree()).toBe(false);
    expect(await editAndCommit(plain, 'alpha', plan('Plain dir', 'alpha'), simGit(plain))).toEqual({ files: ['sim/alpha.txt'] });
  });
});
