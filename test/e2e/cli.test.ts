import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git } from '../helpers/git-repo.js';
import { makeFleetEnv, retryUntil, type FleetEnv } from '../helpers/fleet-env.js';

/** The built bin/flotilla, run as a user would. */
let f: FleetEnv;
beforeEach(async () => {
  f = await makeFleetEnv();
});
afterEach(async () => {
  await f.cleanup();
});

describe('bin/flotilla', () => {
  it('prints its version and help', async () => {
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect((await f.flotilla(['--version'])).stdout.trim()).toBe(pkg.version);
    const help = await f.flotilla(['--help']);
    for (const cmd of ['up', 'down', 'ls', 'status', 'attach', 'validate', 'schema', 'keys', 'demo', 'heartbeat']) expect(help.stdout).toContain(cmd);
  });

  it('help lists the agent-side commands apart from the user\'s, and shows examples', async () => {
    const help = (await f.flotilla(['--help'])).stdout;
    const section = (heading: string) => help.split(`\n${heading}\n`)[1]!.split('\n\n')[0]!;
    const names = (text: string) => text.split('\n').map((l) => /^ {2}(\S+)/.exec(l)?.[1]).filter(Boolean);
    const user = names(section('Commands:'));
    const agentSide = names(section('Run by agents in their panes, and by Flotilla itself:'));
    expect(user).toEqual(expect.arrayContaining(['up', 'down', 'status', 'attach', 'run', 'demo', 'task', 'events']));
    expect(agentSide.sort()).toEqual(['done', 'fail', 'heartbeat', 'hook', 'note', 'sim-agent']);
    expect(names(section('Checking and setting up:'))).toEqual(expect.arrayContaining(['validate', 'doctor', 'schema', 'keys', 'completion']));
    expect(section('Examples:')).toContain('demo');
    for (const cmd of ['up', 'down', 'status', 'run', 'demo', 'validate']) {
      const r = await f.flotilla([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\nExamples:\n')[1], cmd).toContain(` ${cmd}`);
    }
  });

  it('commands that never talk to tmux accept --socket and ignore it', async () => {
    await f.writeMission('name: fine\nagent: { kind: sim }\norchestrators:\n  - { name: a }\n');
    for (const args of [['validate'], ['schema'], ['keys'], ['runs']]) {
      const r = await f.flotilla([...args, '--socket', 'elsewhere']);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
  });

  it('validate: a bad mission exits 2 with FILE:LINE:COL for each error and starts nothing', async () => {
    const file = await f.writeMission('name: Bad Name\norchestrator:\n  - { name: a, role: backend-dev }\n', 'bad.yaml');
    const r = await f.flotilla(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain(`${file}:1:7`);
    expect(r.stdout + r.stderr).toMatch(new RegExp(`${file}:2:1: error: unknown key "orchestrator"`));
    expect(r.stdout + r.stderr).toContain('did you mean "orchestrators"');
    const up = await f.flotilla(['up', file]);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(`${file}:2:1`);
    expect(JSON.parse((await f.flotilla(['ls', '--json'])).stdout)).toEqual([]);
    expect(await f.tmux(['list-sessions']).catch(() => 'no server')).toBe('no server');
  });

  it('a command naming an unknown mission exits 2 and lists the running ones', async () => {
    await f.writeMission('name: known\nagent: { kind: sim }\norchestrators:\n  - { name: a, role: backend-dev }\n');
    expect((await f.flotilla(['up'])).code).toBe(0);
    for (const cmd of [['down', 'nosuch'], ['status', 'nosuch'], ['events', 'nosuch']]) {
      const r = await f.flotilla(cmd);
      expect(r.code, cmd.join(' ')).toBe(2);
      expect(r.stderr).toContain(`no mission "nosuch" on this tmux server (--socket ${f.socket}); running: known`);
    }
    expect((await f.status()).mission).toBe('known');
  });

  it('up with a missing mission file exits 2 and says how to fix it', async () => {
    const r = await f.flotilla(['up', 'nope.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.yaml not found');
  });

  it('demo --headless brings up the demo mission on a throwaway repository', async () => {
    const dir = join(f.repo.scratch, 'demo');
    const r = await f.flotilla(['demo', '--headless', '--fast', '--dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`demo repository: ${dir}`);
    expect(r.stdout).toContain(`tmux -L ${f.socket} attach -t flotilla-demo`);
    const status = await retryUntil(async () => {
      const s = JSON.parse((await f.flotilla(['status', '--json', 'demo'])).stdout) as { orchestrators: { state: string }[] };
      return s.orchestrators.every((o) => o.state === 'idle') && s;
    }, { what: 'demo agents idle' });
    expect(status.orchestrators).toHaveLength(4);
    const screen = await f.tmux(['capture-pane', '-p', '-t', '=flotilla-demo:1.0']);
    expect(screen).toContain('flotilla sim agent');
    expect(screen).toContain('❯');
  });

  it('demo refuses, exit 2, touching nothing: a folder that holds anything (a repository of yours), a second demo on the same server', async () => {
    const before = await git(f.repo.dir, 'log', '--format=%H %s');
    const mine = await f.flotilla(['demo', '--headless', '--fast', '--dir', f.repo.dir]);
    expect(mine.code, mine.stdout + mine.stderr).toBe(2);
    expect(mine.stderr).toContain(`--dir ${f.repo.dir} is not empty; the demo makes a throwaway repository there`);
    expect(await git(f.repo.dir, 'log', '--format=%H %s')).toBe(before);
    expect(await git(f.repo.dir, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(f.repo.dir, 'flotilla.yaml'))).toBe(false);

    const first = join(f.repo.scratch, 'demo1');
    expect((await f.flotilla(['demo', '--fast', '--dir', first])).code).toBe(0);
    const second = join(f.repo.scratch, 'demo2');
    const again = await f.flotilla(['demo', '--headless', '--fast', '--dir', second]);
    expect(again.code, again.stdout + again.stderr).toBe(2);
    expect(again.stderr).toContain(`the demo is already running on this tmux server`);
    expect(again.stderr).toContain(`stop it with "`);
    expect(again.stderr).toContain(`down demo --socket ${f.socket}"`);
    expect(existsSync(second)).toBe(false);
    // Asked for without its --socket, it is not "none running": it says where it runs.
    const elsewhere = await f.flotilla(['status', 'demo'], { env: { FLOTILLA_TMUX_SOCKET: '' } });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain(`no mission "demo" on this tmux server; it runs on another tmux server: add --socket ${f.socket}`);
  });

  it('heartbeat from inside a pane updates that orchestrator; outside a pane it is a usage error', async () => {
    await f.writeMission(
      'name: beats\nagent: { kind: generic, command: sh, args: [-c, "sleep 1; \\"$FLOTILLA_BIN\\" heartbeat --state working; sleep 600"] }\norchestrators:\n  - { name: one, role: backend-dev }\n',
    );
    expect((await f.flotilla(['up'])).code).toBe(0);
    const s = await retryUntil(async () => {
      const s = JSON.parse((await f.flotilla(['status', '--json'])).stdout) as { orchestrators: { state: string; heartbeat_age_s: number | null }[] };
      return s.orchestrators[0]!.state === 'working' && s;
    }, { what: 'heartbeat seen' });
    expect(s.orchestrators[0]!.heartbeat_age_s).toBeLessThan(5);
    const outside = await f.flotilla(['heartbeat']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('inside a Flotilla pane');
  });

  it('pause and resume reach the supervisor over its control socket', async () => {
    await f.writeMission('name: ctl\nagent: { kind: sim }\norchestrators:\n  - { name: one, role: backend-dev }\n');
    expect((await f.flotilla(['up'])).code).toBe(0);
    expect((await f.flotilla(['pause'])).stdout).toContain('paused');
    expect(JSON.parse((await f.flotilla(['status', '--json'])).stdout).paused).toBe(true);
    expect((await f.flotilla(['resume'])).code).toBe(0);
    expect(JSON.parse((await f.flotilla(['status', '--json'])).stdout).paused).toBe(false);
  });
});
