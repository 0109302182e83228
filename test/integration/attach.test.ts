import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFleetEnv, retryUntil, simMission, type FleetEnv } from '../helpers/fleet-env.js';
import { attachClient, type AttachedClient } from '../helpers/tmux-client.js';

const run = promisify(execFile);

let f: FleetEnv;
let other: string | undefined;
const clients: AttachedClient[] = [];
beforeEach(async () => {
  f = await makeFleetEnv();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  if (other) await run('tmux', ['-L', other, 'kill-server'], { env: f.env }).catch(() => undefined);
  other = undefined;
  await f.cleanup();
});

/** What tmux puts in a pane's environment: TMUX="socket path,server pid,session id" and TMUX_PANE. */
async function paneEnv(tmux: (args: string[]) => Promise<string>, target: string): Promise<NodeJS.ProcessEnv> {
  const [path, pid, sessionId, pane] = (await tmux(['display-message', '-p', '-t', target, '#{socket_path} #{pid} #{session_id} #{pane_id}'])).trim().split(' ');
  return { TMUX: `${path},${pid},${sessionId!.slice(1)}`, TMUX_PANE: pane };
}

describe('flotilla attach from inside tmux', () => {
  it('on the same server, switches the client to the mission instead of nesting', async () => {
    await f.writeMission(simMission('here', 2));
    expect((await f.flotilla(['up'])).code).toBe(0);
    await f.tmux(['new-session', '-d', '-s', 'mine', 'sleep', '600']);
    const client = await attachClient(f, 'mine');
    clients.push(client);

    const attach = await f.flotilla(['attach', 'here'], { env: await paneEnv(f.tmux, '=mine:') });
    expect(attach.code, attach.stderr).toBe(0);
    expect(attach.stderr).not.toContain('nested');
    await retryUntil(async () => (await client.display('#{client_session}')) === 'flotilla-here', { what: 'the client to show the mission' });
  });

  it('on another server, says what to run and exits 1 without touching either server', async () => {
    await f.writeMission(simMission('there', 2));
    expect((await f.flotilla(['up'])).code).toBe(0);
    other = `${f.socket}-other`;
    const otherTmux = async (args: string[]) => (await run('tmux', ['-L', other!, ...args], { env: f.env })).stdout;
    await otherTmux(['new-session', '-d', '-s', 'mine', 'sleep', '600']);

    const attach = await f.flotilla(['attach', 'there'], { env: await paneEnv(otherTmux, '=mine:') });
    expect(attach.code).toBe(1);
    expect(attach.stderr).toContain('session flotilla-there runs on another tmux server than the one this terminal is in');
    expect(attach.stderr).toContain(`detach first (your prefix, then d) and run:  tmux -L ${f.socket} attach -t flotilla-there`);
    expect(attach.stderr).toContain(`TMUX= tmux -L ${f.socket} attach -t flotilla-there`);
    // the supervisor's own control-mode client aside, nobody is attached to the mission
    expect((await f.tmux(['list-clients', '-F', '#{?client_control_mode,,#{client_name}}'])).trim()).toBe('');
    expect(await otherTmux(['list-sessions', '-F', '#{session_name}'])).toBe('mine\n');
  });
});
