import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, makeFleetEnv, retryUntil, simMission, type FleetEnv } from '../helpers/fleet-env.js';

/** What a person sees in the first minutes: progress while `up` works, and the end of a run. */
let f: FleetEnv;
const children: ChildProcess[] = [];
beforeEach(async () => {
  f = await makeFleetEnv();
});
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await f.cleanup();
});

const hasScript = existsSync('/usr/bin/script') || existsSync('/bin/script');

/** Run `command` on a pseudo-terminal (util-linux script), its screen output going to `file`; stdin stays open. */
function onTerminal(command: string, file: string): ChildProcess {
  const child = spawn('script', ['-qfec', `stty cols 160 rows 40; ${command}`, file], { env: f.env, cwd: f.repo.dir, stdio: ['pipe', 'ignore', 'ignore'] });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) => new Promise<number>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code ?? 1))));

describe('up', () => {
  it('without a terminal prints what it always did: nothing until the mission is up, then how to reach it', async () => {
    await f.writeMission(simMission('quiet', 2));
    const r = await f.flotilla(['up']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^mission quiet is up: 2 orchestrators, supervisor pid \d+$/);
    expect(r.stdout).not.toMatch(/[✓…✗\r]|worktrees|agents ready/);
  });

  it.runIf(hasScript)('on a terminal shows worktrees, setup, panes and agents as they come up', async () => {
    await f.writeMission(simMission('shown', 3, 'setup: { run: ["true"] }\n'));
    const out = join(f.repo.scratch, 'up.typescript');
    const up = onTerminal(`${process.execPath} ${BIN} up`, out);
    expect(await exited(up)).toBe(0);
    const screen = await readFile(out, 'utf8');
    // Each state of the line is drawn over the last: the steps in order, then the finished line.
    const states = screen.split('\r\x1b[K').map((s) => s.split('\r\n')[0]!.trim());
    expect(states).toContain('✓ 3 worktrees  ✓ setup  ✓ panes  ✓ agents ready 3/3');
    const first = (re: RegExp) => states.findIndex((s) => re.test(s));
    expect(first(/^… worktrees \d\/3/)).toBeGreaterThanOrEqual(0);
    expect(first(/^✓ 3 worktrees  ✓ setup  … panes|^✓ 3 worktrees  ✓ setup  ✓ panes/)).toBeGreaterThan(first(/^… worktrees/));
    expect(screen).toMatch(/agents ready 3\/3\r\n.*mission shown is up/);
    // Once up, every agent has reported.
    expect((await f.status()).orchestrators.every((o) => o.state !== 'starting')).toBe(true);
  });
});

describe('the end of a run', () => {
  it.runIf(hasScript)('is marked once in the status pane and shown to the attached client, with the stop command as invoked', async () => {
    await f.writeMission(simMission('ending', 2));
    expect((await f.flotilla(['up'])).code).toBe(0);
    const out = join(f.repo.scratch, 'client.typescript');
    onTerminal(`tmux -L ${f.socket} attach -t =flotilla-ending`, out);
    await retryUntil(async () => (await f.tmux(['list-clients', '-F', '#{client_control_mode}'])).includes('0'), { what: 'a client attached' });
    for (const title of ['One', 'Two']) expect((await f.flotilla(['task', 'add', title])).code).toBe(0);

    const message = new RegExp(`all 2 tasks done in \\d+ s · speedup \\d+\\.\\dx · stop it with: \\S*flotilla down ending --socket ${f.socket}`);
    const log = join(f.home, 'missions', f.socket, 'ending', 'supervisor.log');
    await retryUntil(async () => message.test(await readFile(log, 'utf8')), { what: 'the end in the supervisor log', timeoutMs: 30_000 });
    await retryUntil(async () => message.test(await readFile(out, 'utf8')), { what: 'the end on the client' });
    // The status pane tails the log: the line is on its screen, once.
    const statusPane = (await f.tmux(['show-options', '-v', '-t', '=flotilla-ending:', '@flotilla_status'])).trim();
    await retryUntil(async () => message.test(await f.tmux(['capture-pane', '-p', '-t', statusPane])), { what: 'the end in the status pane' });
    expect((await readFile(log, 'utf8')).match(new RegExp(message.source, 'g'))).toHaveLength(1);
    const run = JSON.parse(await readFile(join(f.home, 'missions', f.socket, 'ending', 'run.json'), 'utf8')) as { finishedAt?: number };
    expect(run.finishedAt).toBeTypeOf('number');
  });
});
