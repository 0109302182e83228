import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFleetEnv, retryUntil, simMission, type FleetEnv } from '../helpers/fleet-env.js';
import { attachClient, flotillaInPty, type AttachedClient } from '../helpers/tmux-client.js';

let f: FleetEnv;
const clients: AttachedClient[] = [];
beforeEach(async () => {
  f = await makeFleetEnv();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await f.cleanup();
});

const windows = async (session: string) =>
  (await f.tmux(['list-windows', '-t', `=${session}`, '-F', '#{window_name}:#{window_panes}'])).trim().split('\n');
const paneIds = async (session: string) =>
  (await f.tmux(['list-panes', '-s', '-t', `=${session}`, '-F', '#{pane_id}'])).trim().split('\n').sort();

describe('layouts', () => {
  it('tabs gives each orchestrator a window after the status window', async () => {
    await f.writeMission(simMission('tabby', 3).replace('layout: grid', 'layout: tabs\ntheme: { pane_background: true }'));
    const up = await f.flotilla(['up']);
    expect(up.code, up.stderr).toBe(0);
    expect(await windows('flotilla-tabby')).toEqual(['status:1', 'o1:1', 'o2:1', 'o3:1']);
    // theme.pane_background: each pane gets a dark shade of its own colour, and only its own
    const styles = (await f.tmux(['list-panes', '-s', '-t', '=flotilla-tabby', '-F', '#{@flotilla_name}=#{window-style}'])).trim().split('\n');
    const bg = styles.filter((l) => l.startsWith('o')).map((l) => /bg=(#[0-9a-f]{6})/.exec(l)?.[1]);
    expect(bg.every(Boolean)).toBe(true);
    expect(new Set(bg).size).toBe(3);
  });

  it('main puts the status pane beside all orchestrators in one window', async () => {
    await f.writeMission(simMission('mainly', 5).replace('layout: grid', 'layout: main'));
    const up = await f.flotilla(['up']);
    expect(up.code, up.stderr).toBe(0);
    expect(await windows('flotilla-mainly')).toEqual(['fleet:6']);
    const first = (await f.tmux(['list-panes', '-t', '=flotilla-mainly:0', '-F', '#{pane_index}:#{@flotilla_name}'])).trim().split('\n')[0];
    expect(first).toBe('0:'); // the status pane is the main (left) pane
  });

  it('flotilla layout toggles tabs and grid without restarting any agent', async () => {
    await f.writeMission(simMission('toggle', 6));
    const up = await f.flotilla(['up']);
    expect(up.code, up.stderr).toBe(0);
    const before = await paneIds('flotilla-toggle');
    expect(await windows('flotilla-toggle')).toEqual(['status:1', 'o1+o2+o3+o4:4', 'o5+o6:2']);

    const tabs = await f.flotilla(['layout', 'toggle']);
    expect(tabs.code, tabs.stderr).toBe(0);
    expect(tabs.stdout).toContain('tabs');
    expect(await windows('flotilla-toggle')).toEqual(['status:1', 'o1:1', 'o2:1', 'o3:1', 'o4:1', 'o5:1', 'o6:1']);
    expect(await paneIds('flotilla-toggle')).toEqual(before);

    expect((await f.flotilla(['layout', 'grid'])).code).toBe(0);
    expect(await windows('flotilla-toggle')).toEqual(['status:1', 'o1+o2+o3+o4:4', 'o5+o6:2']);
    expect(await paneIds('flotilla-toggle')).toEqual(before);
    expect((await f.tmux(['list-panes', '-t', '=flotilla-toggle:1', '-F', '#{@flotilla_name}'])).trim().split('\n')).toEqual(['o1', 'o2', 'o3', 'o4']);
    // windows made by the move keep Flotilla's colored border titles
    const fmt = await f.tmux(['show-options', '-w', '-v', '-t', '=flotilla-toggle:=o5+o6', 'pane-border-format']);
    expect(fmt).toContain('@flotilla_color');

    const bad = await f.flotilla(['layout', 'sideways']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('tabs, grid or toggle');
  });
});

describe('keys', () => {
  it('binds jump/next/prev/zoom/toggle in a table used only by Flotilla sessions, keeping root bindings', async () => {
    await f.tmux(['new-session', '-d', '-s', 'mine', 'sleep', '600']);
    await f.tmux(['bind-key', '-n', 'F12', 'display-message', 'user key']);
    await f.writeMission(simMission('keyed', 3));
    const up = await f.flotilla(['up']);
    expect(up.code, up.stderr).toBe(0);

    const table = await f.tmux(['list-keys', '-T', 'flotilla']);
    for (const key of ['M-1', 'M-9', 'M-n', 'M-p', 'M-z', 'M-t']) expect(table).toMatch(new RegExp(`-T flotilla\\s+${key}\\s`));
    expect(table).toMatch(/-T flotilla\s+F12\s+display-message "user key"/); // the user's root key still works here
    expect((await f.tmux(['show-options', '-v', '-t', '=flotilla-keyed:', 'key-table'])).trim()).toBe('flotilla');
    expect((await f.tmux(['display', '-p', '-t', '=mine:', '#{key-table}'])).trim()).toBe('root'); // other sessions untouched
    expect(await f.tmux(['list-keys', '-T', 'root'])).not.toContain('@flotilla');

    // what Alt-2 runs: jump to orchestrator 2, from anywhere in the session
    const o2 = (await f.tmux(['show-options', '-v', '-t', '=flotilla-keyed:', '@flotilla_pane_2'])).trim();
    const jump = table.split('\n').find((l) => /\sM-2\s/.test(l))!.replace(/^bind-key\s+-T flotilla\s+M-2\s+/, '');
    await f.tmux(['select-window', '-t', '=flotilla-keyed:=status']);
    await f.tmux(['run-shell', '-t', '=flotilla-keyed:', '-C', jump.replace(/^run-shell -C /, '').replace(/^"|"$/g, '').replace(/\\"/g, '"')]);
    await retryUntil(async () => (await f.tmux(['display', '-p', '-t', '=flotilla-keyed:', '#{pane_id}'])).trim() === o2, { what: 'jump to o2' });

    const keys = await f.flotilla(['keys']);
    expect(keys.stdout).toContain('Alt-1');
    expect(keys.stdout).toContain('toggle between tabs');
  });
});

describe('grid order', () => {
  it('lays out a 2x2 window in mission order: 1 2 on top, 3 4 below', async () => {
    await f.writeMission(simMission('order', 4));
    const up = await f.flotilla(['up']);
    expect(up.code, up.stderr).toBe(0);
    const cells = (await f.tmux(['list-panes', '-t', '=flotilla-order:1', '-F', '#{pane_top},#{pane_left},#{@flotilla_name},#{pane_active}']))
      .trim()
      .split('\n')
      .map((l) => l.split(','))
      .sort((a, b) => Number(a[0]) - Number(b[0]) || Number(a[1]) - Number(b[1]));
    expect(cells.map((c) => c[2])).toEqual(['o1', 'o2', 'o3', 'o4']);
    expect(cells.find((c) => c[3] === '1')?.[2]).toBe('o1');
  });
});

describe('changing layout keeps the client where it was', () => {
  const paneOf = async (name: string) => (await f.tmux(['show-options', '-v', '-t', '=flotilla-stay:', `@flotilla_pane_${name.slice(1)}`])).trim();
  const inMode = async () => (await f.tmux(['list-panes', '-s', '-t', '=flotilla-stay', '-F', '#{pane_id}:#{pane_in_mode}'])).trim().split('\n').filter((l) => l.endsWith(':1'));
  /** Six sim panes up, a real client attached and showing orchestrator `name`'s pane; returns that pane. */
  const attachedOn = async (name: string) => {
    await f.writeMission(simMission('stay', 6));
    expect((await f.flotilla(['up'])).code).toBe(0);
    const client = await attachClient(f, 'flotilla-stay');
    clients.push(client);
    const pane = await paneOf(name);
    await f.tmux(['select-window', '-t', pane]);
    await f.tmux(['select-pane', '-t', pane]);
    return { client, pane };
  };

  it('flotilla layout leaves an attached client on its pane', async () => {
    const { client, pane: o3 } = await attachedOn('o3');
    expect(await client.display('#{pane_id}')).toBe(o3);

    expect((await f.flotilla(['layout', 'tabs'])).code).toBe(0);
    expect(await windows('flotilla-stay')).toEqual(['status:1', 'o1:1', 'o2:1', 'o3:1', 'o4:1', 'o5:1', 'o6:1']);
    expect(await client.display('#{pane_id} #{window_name}')).toBe(`${o3} o3`);

    expect((await f.flotilla(['layout', 'grid'])).code).toBe(0);
    expect(await windows('flotilla-stay')).toEqual(['status:1', 'o1+o2+o3+o4:4', 'o5+o6:2']);
    expect(await client.display('#{pane_id} #{window_name}')).toBe(`${o3} o1+o2+o3+o4`);
    expect(await inMode()).toEqual([]);
  });

  it('Alt-t switches tabs and grid in place, and leaves no pane in view mode', async () => {
    const { client, pane: o6 } = await attachedOn('o6');

    client.press('\x1bt');
    await retryUntil(async () => (await f.tmux(['show-options', '-v', '-t', '=flotilla-stay:', '@flotilla_layout'])).trim() === 'tabs', { what: 'Alt-t to switch to tabs' });
    await retryUntil(async () => (await windows('flotilla-stay')).length === 7, { what: 'seven windows' });
    expect(await client.display('#{pane_id} #{window_name}')).toBe(`${o6} o6`);
    expect(await inMode()).toEqual([]);

    client.press('\x1bt');
    await retryUntil(async () => (await windows('flotilla-stay')).length === 3, { what: 'Alt-t back to grid' });
    expect(await client.display('#{pane_id} #{window_name}')).toBe(`${o6} o5+o6`);
    expect(await inMode()).toEqual([]);
  });
});

describe('window size', () => {
  it('panes are made at the size of the terminal up runs in, so attaching there resizes nothing', async () => {
    await f.writeMission(simMission('sized', 4));
    const up = await flotillaInPty(f, ['up'], { cols: 150, rows: 45 });
    expect(up.code).toBe(0);
    const sizes = async () => (await f.tmux(['list-panes', '-s', '-t', '=flotilla-sized', '-F', '#{window_width}x#{window_height} #{pane_width}x#{pane_height}'])).trim().split('\n');
    const before = await sizes();
    expect(before.every((l) => l.startsWith('150x44 '))).toBe(true); // one row for the status line

    const client = await attachClient(f, 'flotilla-sized', { cols: 150, rows: 45 });
    clients.push(client);
    expect(await client.display('#{client_width}x#{client_height}')).toBe('150x45');
    expect(await sizes()).toEqual(before);
  });
});
