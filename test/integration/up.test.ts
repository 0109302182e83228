import { mkdir, readFile, readdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PALETTE, STATUS_BAR } from '../../src/mission/palette.js';
import { git } from '../helpers/git-repo.js';
import { makeFleetEnv, retryUntil, simMission, type FleetEnv } from '../helpers/fleet-env.js';


let f: FleetEnv;
beforeEach(async () => {
  f = await makeFleetEnv();
});
afterEach(async () => {
  await f.cleanup();
});


const panes = async () =>
  (await f.tmux(['list-panes', '-s', '-t', '=flotilla-alpha', '-F', '#{pane_id}|#{@flotilla_name}|#{@flotilla_color}|#{pane_current_path}|#{window_name}|#{pane_pid}']))
    .trim()
    .split('\n')
    .map((l) => {
      const [id, name, color, path, window, pid] = l.split('|');
      return { id: id!, name: name!, color: color!, path: path!, window: window!, pid: pid! };
    });

describe('flotilla up', () => {
  it('builds colored panes, one per orchestrator, each running its agent in its own worktree on its own branch', async () => {
    await f.writeMission(simMission('alpha', 5, '  - { name: o6, role: qa-engineer, color: "#c0ffee" }\n'));
    const up = await f.flotilla(['up']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(`tmux -L ${f.socket} attach -t flotilla-alpha`);

    const s = await retryUntil(async () => {
      const s = await f.status();
      return s.orchestrators.every((o) => o.state === 'idle') && s;
    }, { what: 'all agents idle' });
    expect(s.mission).toBe('alpha');
    expect(s.session).toBe('flotilla-alpha');
    expect(s.socket).toBe(f.socket);
    expect(s.supervisor.alive).toBe(true);
    expect(s.orchestrators.map((o) => o.name)).toEqual(['o1', 'o2', 'o3', 'o4', 'o5', 'o6']);
    expect(s.orchestrators.map((o) => o.color).slice(0, 4)).toEqual([PALETTE.indigo, PALETTE.emerald, PALETTE.amber, PALETTE.rose]);
    expect(s.orchestrators[5]!.color).toBe('#c0ffee');
    for (const o of s.orchestrators) expect(o.heartbeat_age_s).toBeLessThan(5);

    const live = await panes();
    const agents = live.filter((p) => p.name);
    expect(agents).toHaveLength(6);
    expect(live.filter((p) => !p.name)).toHaveLength(1); // the status pane
    const worktrees = await git(f.repo.dir, 'worktree', 'list', '--porcelain');
    for (const o of s.orchestrators) {
      const pane = agents.find((p) => p.name === o.name)!;
      expect(pane.id).toBe(o.pane);
      expect(pane.color).toBe(o.color);
      expect(await realpath(pane.path)).toBe(await realpath(o.worktree));
      expect(o.branch).toBe(`flotilla/alpha/${o.name}`);
      expect(await git(o.worktree, 'branch', '--show-current')).toBe(o.branch);
      expect(worktrees).toContain(`branch refs/heads/${o.branch}`);
    }
    // grid: a status window, then orchestrators four to a window
    expect([...new Set(live.map((p) => p.window))]).toEqual(['status', 'o1+o2+o3+o4', 'o5+o6']);
    // the pane title carries name, role and state; the window's status entry carries the colors
    const title = await f.tmux(['display', '-p', '-t', s.orchestrators[0]!.pane!, '#{T:pane-border-format}']);
    expect(title).toContain('o1 · backend-dev · idle');
    expect(title).toContain(`fg=${PALETTE.indigo}`);
    const winFormat = await f.tmux(['show-options', '-w', '-v', '-t', s.orchestrators[0]!.pane!, 'window-status-format']);
    expect(winFormat).toContain(`#[fg=${PALETTE.indigo}]o1`);
    // a status bar of the session's own, on which the palette reads (test/unit/palette.test.ts)
    expect((await f.tmux(['show-options', '-v', '-t', '=flotilla-alpha:', 'status-style'])).trim()).toBe(`bg=${STATUS_BAR.bg},fg=${STATUS_BAR.fg}`);
    for (const option of ['window-status-style', 'window-status-current-style'])
      expect(await f.tmux(['show-options', '-w', '-v', '-t', s.orchestrators[0]!.pane!, option])).toContain(`bg=${STATUS_BAR.bg}`);
    expect(await f.tmux(['show-options', '-g', '-v', 'status-style'])).not.toContain(STATUS_BAR.bg); // nothing global
    // the worktrees never show up in the user's checkout
    expect(await git(f.repo.dir, 'status', '--porcelain')).toBe('?? flotilla.yaml');
    // the agent runs as the pane's own command (no shell in between)
    expect(await f.tmux(['display', '-p', '-t', s.orchestrators[0]!.pane!, '#{pane_current_command}'])).toMatch(/node/);
  });

  it('refuses to start a mission that is already running, naming its pid', async () => {
    await f.writeMission(simMission('alpha', 2));
    expect((await f.flotilla(['up'])).code).toBe(0);
    const pid = (await f.status()).supervisor.pid;
    const again = await f.flotilla(['up']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`already running (supervisor pid ${pid}`);
    expect(again.stderr).toContain('flotilla down alpha');
    const ls = JSON.parse((await f.flotilla(['ls', '--json'])).stdout) as { pid: number; mission: string; session: string }[];
    expect(ls).toEqual([expect.objectContaining({ pid, mission: 'alpha', session: 'flotilla-alpha' })]);
  });

  it('a start that fails half-way removes the worktrees it created and their branches, and keeps the folder that was in the way', async () => {
    await f.writeMission(simMission('half', 2));
    // o2's folder is taken by something that is not a worktree: o1 is made, then the start fails.
    await mkdir(join(f.repo.dir, '.flotilla', 'worktrees', 'o2'), { recursive: true });
    await writeFile(join(f.repo.dir, '.flotilla', 'worktrees', 'o2', 'notes.txt'), 'mine\n');
    const r = await f.flotilla(['up']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the directory exists and is not a worktree. Move or delete that folder');
    expect(await readdir(join(f.repo.dir, '.flotilla', 'worktrees'))).toEqual(['o2']);
    expect(await readFile(join(f.repo.dir, '.flotilla', 'worktrees', 'o2', 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(await git(f.repo.dir, 'branch', '--list', 'flotilla/*')).toBe('');
    expect((await git(f.repo.dir, 'worktree', 'list')).trim().split('\n')).toHaveLength(1);
    expect(await f.tmux(['list-sessions']).catch(() => 'no server')).toBe('no server');
    expect(JSON.parse((await f.flotilla(['ls', '--json'])).stdout)).toEqual([]);
  });

  it('up --wait on a mission that is already running waits for its tasks instead of refusing', async () => {
    await f.writeMission(simMission('alpha', 2, 'tasks:\n  - { id: a1, title: One, sim: { duration_ms: 500 } }\n  - { id: a2, title: Two, sim: { duration_ms: 500 } }\n'));
    expect((await f.flotilla(['up'])).code).toBe(0);
    const pid = (await f.status()).supervisor.pid;
    const wait = await f.flotilla(['up', '--wait', '--timeout', '60'], { timeoutMs: 70_000 });
    expect(wait.code, wait.stdout + wait.stderr).toBe(0);
    expect(wait.stdout).toContain(`mission alpha is already running (supervisor pid ${pid}); waiting for its tasks`);
    expect(wait.stdout).toContain('all tasks done: 2 tasks');
    expect((await f.status()).supervisor.pid).toBe(pid);
  }, 80_000);

  it('adopts the session, panes and worktrees after the supervisor is SIGKILLed: nothing duplicated, nothing lost', async () => {
    await f.writeMission(simMission('alpha', 4));
    expect((await f.flotilla(['up'])).code).toBe(0);
    const before = await panes();
    const { pid } = (await f.status()).supervisor;
    process.kill(pid, 'SIGKILL');
    await retryUntil(async () => !(await f.status()).supervisor.alive, { what: 'supervisor reported dead' });

    const up = await f.flotilla(['up']);
    expect(up.code, up.stderr).toBe(0);
    const s = await f.status();
    expect(s.supervisor.pid).not.toBe(pid);
    expect(s.supervisor.alive).toBe(true);
    const after = await panes();
    expect(after).toEqual(before); // same pane ids, same agent processes, same windows
    expect((await git(f.repo.dir, 'worktree', 'list')).split('\n')).toHaveLength(5);
    expect((await f.tmux(['list-sessions', '-F', '#{session_name}'])).trim()).toBe('flotilla-alpha');
  });

  it('reports a dead pane with its exit status within a second', async () => {
    await f.writeMission(
      simMission('alpha', 1, '  - { name: crasher, role: debugger, agent: { kind: generic, command: sh, args: [-c, "sleep 1; exit 7"] } }\n'),
    );
    expect((await f.flotilla(['up'])).code).toBe(0);
    const s = await retryUntil(async () => {
      const s = await f.status();
      return s.orchestrators.find((o) => o.name === 'crasher')?.state === 'dead' && s;
    }, { what: 'crasher dead', timeoutMs: 5000 });
    const crasher = s.orchestrators.find((o) => o.name === 'crasher')!;
    expect(crasher.exit_status, JSON.stringify(s)).toBe(7);
    expect(s.orchestrators.find((o) => o.name === 'o1')!.state).not.toBe('dead');
    // The border said so (the work loop respawns it a second later, so look at the log of what the title showed).
    const log = await readFile(join(f.home, 'missions', f.socket, 'alpha', 'supervisor.log'), 'utf8');
    expect(log).toMatch(/crasher: \w+ -> dead \(exit 7\)/);
  });

  it('down closes the session, removes merged clean worktrees and keeps unmerged or uncommitted work', async () => {
    await f.writeMission(simMission('alpha', 3));
    expect((await f.flotilla(['up'])).code).toBe(0);
    const s = await f.status();
    const [clean, committed, dirty] = s.orchestrators;
    await git(committed!.worktree, 'commit', '-q', '--allow-empty', '-m', 'unmerged work');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${dirty!.worktree}/scratch.txt`, 'not committed');

    const down = await f.flotilla(['down', 'alpha']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain(`removed worktree ${clean!.worktree}`);
    expect(down.stdout).toMatch(new RegExp(`kept ${committed!.worktree} .*not merged`));
    expect(down.stdout).toMatch(new RegExp(`kept ${dirty!.worktree} .*uncommitted`));
    const list = await git(f.repo.dir, 'worktree', 'list');
    expect(list).not.toContain(clean!.worktree);
    expect(list).toContain(committed!.worktree);
    expect(list).toContain(dirty!.worktree);
    expect(await git(f.repo.dir, 'branch', '--list', clean!.branch)).toBe('');
    expect(await f.tmux(['has-session', '-t', '=flotilla-alpha']).catch((e: Error) => e.message)).toContain('failed');
    expect(JSON.parse((await f.flotilla(['ls', '--json'])).stdout)).toEqual([]);

    const forced = await f.flotilla(['down', 'alpha', '--force']);
    expect(forced.code).toBe(0);
    expect((await git(f.repo.dir, 'worktree', 'list')).split('\n')).toHaveLength(1);
  });
});
