import { execFile } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFleetEnv, type FleetEnv } from '../helpers/fleet-env.js';

/** tmux.server: dedicated puts the session on Flotilla's own server; every command finds it there without --socket. */
let f: FleetEnv;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  f = await makeFleetEnv();
  // No socket of the test's: the mission picks its server. TMUX_TMPDIR stays the test's own, so "-L flotilla" is private too.
  env = { ...f.env, FLOTILLA_TMUX_SOCKET: '' };
});
afterEach(async () => {
  await f.flotilla(['down', '--all', '--force'], { env }).catch(() => undefined);
  await tmux(['-L', 'flotilla', 'kill-server']).catch(() => undefined);
  await tmux(['kill-server']).catch(() => undefined);
  await f.cleanup();
});

function tmux(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile('tmux', args, { env }, (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout))));
}

describe('tmux.server: dedicated', () => {
  it('runs the session on "tmux -L flotilla", not the default server; status, attach hints and down find it', async () => {
    await f.writeMission('name: ded\nagent: { kind: sim }\ntmux: { server: dedicated }\norchestrators:\n  - { name: o1, role: backend-dev }\ntasks:\n  - { id: t1, title: One }\n');
    const up = await f.flotilla(['up', '--wait', '--timeout', '60'], { env, timeoutMs: 70_000 });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toContain('tmux -L flotilla attach -t flotilla-ded');
    expect((await tmux(['-L', 'flotilla', 'list-sessions', '-F', '#{session_name}'])).split('\n')).toContain('flotilla-ded');
    await expect(tmux(['has-session', '-t', '=flotilla-ded'])).rejects.toThrow();
    // No --socket anywhere: by file (./flotilla.yaml), by name, and the only one running.
    for (const args of [['status', '--json'], ['status', 'ded', '--json']]) {
      const r = await f.flotilla(args, { env });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ mission: 'ded', socket: 'flotilla' });
    }
    const elsewhere = await f.flotilla(['status', '--json'], { env, cwd: f.repo.scratch });
    expect(JSON.parse(elsewhere.stdout)).toMatchObject({ mission: 'ded' });
    const down = await f.flotilla(['down', '--force'], { env });
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain('tmux session closed');
    await expect(tmux(['-L', 'flotilla', 'has-session', '-t', '=flotilla-ded'])).rejects.toThrow();
  }, 120_000);
});
