import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git } from '../helpers/git-repo.js';
import { makeFleetEnv, retryUntil, type FleetEnv } from '../helpers/fleet-env.js';

/**
 * The supervisor SIGKILLed after it assigned a task and before the worktree
 * was switched to the task's branch. Made deterministic with a git wrapper on
 * the supervisor's PATH that hangs on the second `git status --porcelain -z`
 * (the first look of the switch for the second task). Before, the restarted
 * supervisor delivered the task into a worktree still on the first task's
 * branch, and the second task's commit landed there.
 */
let f: FleetEnv;
let wrapperDir: string;
beforeEach(async () => {
  f = await makeFleetEnv();
  wrapperDir = join(f.repo.scratch, 'slow-git');
  await mkdir(wrapperDir, { recursive: true });
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const script = [
    '#!/bin/sh',
    `if [ "$#" = 3 ] && [ "$1" = status ] && [ "$2" = --porcelain ] && [ "$3" = -z ]; then`,
    `  n=$(cat "${wrapperDir}/count" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "${wrapperDir}/count"`,
    `  if [ "$n" = 2 ] && [ ! -e "${wrapperDir}/off" ]; then echo $$ > "${wrapperDir}/hung.pid"; exec sleep 600; fi`,
    'fi',
    `exec ${realGit} "$@"`,
    '',
  ].join('\n');
  await writeFile(join(wrapperDir, 'git'), script);
  await chmod(join(wrapperDir, 'git'), 0o755);
});
afterEach(async () => {
  const hung = Number(await readFile(join(wrapperDir, 'hung.pid'), 'utf8').catch(() => '0'));
  if (hung > 0) {
    try {
      process.kill(hung, 'SIGKILL');
    } catch {}
  }
  await f.cleanup();
});

describe('SIGKILL between "assigned" and "worktree switched"', () => {
  it('the restarted supervisor puts the worktree on the task\'s branch before delivering it again', async () => {
    await f.writeMission(
      [
        'name: kill',
        'agent: { kind: sim }',
        'orchestrators:',
        '  - { name: solo, role: backend-dev }',
        'tasks:',
        '  - { id: first, title: First, sim: { duration_ms: 100, file: out/first.txt } }',
        '  - { id: second, title: Second, deps: [first], sim: { duration_ms: 100, file: out/second.txt } }',
        '',
      ].join('\n'),
    );
    const PATH = `${wrapperDir}${delimiter}${process.env.PATH ?? ''}`;
    expect((await f.flotilla(['up'], { env: { PATH } })).code).toBe(0);
    // The supervisor is inside the switch for "second": its git hangs.
    await retryUntil(async () => (await readFile(join(wrapperDir, 'hung.pid'), 'utf8').catch(() => '')).trim() !== '', { what: 'the switch for the second task to hang', timeoutMs: 30_000 });
    const status = await f.status();
    expect(status.tasks.find((t) => t.id === 'second')!.state).toBe('running');
    process.kill(status.supervisor.pid, 'SIGKILL');
    process.kill(Number(await readFile(join(wrapperDir, 'hung.pid'), 'utf8')), 'SIGKILL');
    await writeFile(join(wrapperDir, 'off'), '');

    const again = await f.flotilla(['up', '--wait', '--timeout', '60'], { env: { PATH }, timeoutMs: 70_000 });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    // Each task's commit is on its own branch, once.
    expect(await git(f.repo.dir, 'show', '--name-only', '--format=', 'flotilla/kill/first')).toBe('out/first.txt');
    expect(await git(f.repo.dir, 'show', '--name-only', '--format=', 'flotilla/kill/second')).toBe('out/second.txt');
    expect(await git(f.repo.dir, 'log', '--format=%s', 'flotilla/kill/first')).not.toMatch(/Second/);
  }, 120_000);
});
