import { describe, expect, it } from 'vitest';
import { bringUp, type FleetSpec } from '../../src/tmux/fleet.js';
import type { TmuxServer } from '../../src/tmux/server.js';
import { loadLayout } from '../../src/layout/catalog.js';
import { DEFAULT_WINDOW_SIZE, parseWindowSize, windowSizeFor } from '../../src/tmux/window-size.js';

/** A tmux server that records every command and answers display-message from a table. */
function fakeServer(where: 'outside' | 'inside' | 'inside-other', client = '') {
  const calls: string[][] = [];
  const server = {
    whereAmI: async () => where,
    tryRun: async (args: string[]) => {
      calls.push(args);
      return args[0] === 'display-message' ? client : '';
    },
    chain: async (cmds: string[][]) => {
      calls.push(...cmds);
      return '';
    },
  };
  return { server: server as unknown as TmuxServer, calls };
}

describe('the size a session is created at', () => {
  it('is the terminal up runs in, less the status line', async () => {
    const { server } = fakeServer('outside');
    expect(await windowSizeFor(server, { isTTY: true, columns: 132, rows: 43 }, {})).toEqual({ width: 132, height: 42 });
  });

  it('is a default without a terminal', async () => {
    const { server } = fakeServer('outside');
    expect(await windowSizeFor(server, { isTTY: false, columns: undefined, rows: undefined }, {})).toEqual(DEFAULT_WINDOW_SIZE);
    expect(DEFAULT_WINDOW_SIZE).toEqual({ width: 200, height: 50 });
  });

  it('inside this tmux server, is the client that attach will switch, not the pane up runs in', async () => {
    const { server, calls } = fakeServer('inside', '211 57\n');
    const env = { TMUX: '/tmp/tmux-0/x,1,0', TMUX_PANE: '%4' };
    expect(await windowSizeFor(server, { isTTY: true, columns: 100, rows: 28 }, env)).toEqual({ width: 211, height: 56 });
    expect(calls).toContainEqual(['display-message', '-p', '-t', '%4', '#{client_width} #{client_height}']);
  });

  it('inside another tmux server, is the terminal (the pane)', async () => {
    const { server } = fakeServer('inside-other', '211 57');
    const env = { TMUX: '/tmp/tmux-0/other,1,0', TMUX_PANE: '%4' };
    expect(await windowSizeFor(server, { isTTY: true, columns: 100, rows: 28 }, env)).toEqual({ width: 100, height: 27 });
  });

  it('travels to the supervisor as WxH', () => {
    expect(parseWindowSize('132x42')).toEqual({ width: 132, height: 42 });
    expect(parseWindowSize(undefined)).toBeUndefined();
    expect(parseWindowSize('wide')).toBeUndefined();
  });

  it('reaches new-session', async () => {
    const { server, calls } = fakeServer('outside');
    const spec: FleetSpec = {
      session: 'flotilla-x',
      layout: loadLayout('grid'),
      status: { argv: ['tail', '-F', 'log'], cwd: '/' },
      panes: [{ name: 'o1', index: 0, role: 'r', color: '#818cf8', cwd: '/', env: {}, argv: ['agent'] }],
      size: { width: 132, height: 42 },
    };
    await bringUp(server, spec);
    const created = calls.find((c) => c[0] === 'new-session')!;
    expect(created.slice(created.indexOf('-x'), created.indexOf('-x') + 4)).toEqual(['-x', '132', '-y', '42']);

    calls.length = 0;
    await bringUp(server, { ...spec, size: undefined });
    const byDefault = calls.find((c) => c[0] === 'new-session')!;
    expect(byDefault.slice(byDefault.indexOf('-x'), byDefault.indexOf('-x') + 4)).toEqual(['-x', '200', '-y', '50']);
  });
});
