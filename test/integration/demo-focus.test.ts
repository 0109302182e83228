import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { focusFirstOrchestrator } from '../../src/tmux/keys.js';
import { TmuxServer } from '../../src/tmux/server.js';
import { makeFleetEnv, retryUntil, simMission, type FleetEnv } from '../helpers/fleet-env.js';

/** Where an attach lands, and the key back to the log. */
let f: FleetEnv;
const tmuxTmpdir = process.env.TMUX_TMPDIR;
beforeEach(async () => {
  f = await makeFleetEnv();
  // TmuxServer in this process must find the test's private server.
  process.env.TMUX_TMPDIR = f.env.TMUX_TMPDIR;
});
afterEach(async () => {
  if (tmuxTmpdir === undefined) delete process.env.TMUX_TMPDIR;
  else process.env.TMUX_TMPDIR = tmuxTmpdir;
  await f.cleanup();
});

const current = async (session: string) => (await f.tmux(['display', '-p', '-t', `=${session}:`, '#{pane_id}'])).trim();
const option = async (session: string, name: string) => (await f.tmux(['show-options', '-v', '-t', `=${session}:`, name])).trim();

describe('attaching to the agents', () => {
  it('the session opens on the status window; focusFirstOrchestrator makes orchestrator 1 current, Alt-0 goes back to the log', async () => {
    await f.writeMission(simMission('watch', 4));
    expect((await f.flotilla(['up'])).code).toBe(0);
    const status = await option('flotilla-watch', '@flotilla_status');
    const o1 = await option('flotilla-watch', '@flotilla_pane_1');
    expect(status).toMatch(/^%\d+$/);
    expect(await current('flotilla-watch')).toBe(status);

    expect(await focusFirstOrchestrator(new TmuxServer(f.socket), 'flotilla-watch')).toBe(true);
    expect(await current('flotilla-watch')).toBe(o1);
    expect(await focusFirstOrchestrator(new TmuxServer(f.socket), 'flotilla-nosuch')).toBe(false);

    // What Alt-0 runs, from orchestrator 1's window.
    const table = await f.tmux(['list-keys', '-T', 'flotilla']);
    const line = table.split('\n').find((l) => /\sM-0\s/.test(l));
    expect(line).toBeDefined();
    const command = line!.replace(/^bind-key\s+-T flotilla\s+M-0\s+run-shell -C /, '').replace(/^"|"$/g, '').replace(/\\"/g, '"');
    await f.tmux(['run-shell', '-t', '=flotilla-watch:', '-C', command]);
    await retryUntil(async () => (await current('flotilla-watch')) === status, { what: 'Alt-0 to reach the status pane' });
    expect((await f.flotilla(['keys'])).stdout).toContain('Alt-0');
  });
});
