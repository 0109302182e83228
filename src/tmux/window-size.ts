import type { TmuxServer } from './server.js';

export interface WindowSize {
  width: number;
  height: number;
}

/** Without a terminal to go by (`up` from a script or CI): wide enough for an agent's screen. */
export const DEFAULT_WINDOW_SIZE: WindowSize = Object.freeze({ width: 200, height: 50 });

/** How `up` hands the size to the detached supervisor, which has no terminal of its own. */
export const WINDOW_SIZE_ENV = 'FLOTILLA_WINDOW_SIZE';

/**
 * The size to build a session at: that of the client that will show it, so
 * panes are not made big and shrunk at attach (which leaves wrapped lines) or
 * made small and grown. Inside this tmux server that is the current client
 * (attach will switch it); otherwise the terminal `up` runs in. One row goes
 * to tmux's status line.
 */
export async function windowSizeFor(
  server: TmuxServer,
  terminal: { isTTY?: boolean; columns?: number; rows?: number },
  env: NodeJS.ProcessEnv = process.env,
): Promise<WindowSize> {
  if (env.TMUX_PANE && (await server.whereAmI(env)) === 'inside') {
    const out = await server.tryRun(['display-message', '-p', '-t', env.TMUX_PANE, '#{client_width} #{client_height}']);
    const [width, height] = (out ?? '').trim().split(' ').map(Number);
    if (width && height) return windowOf(width, height);
  }
  if (terminal.isTTY && terminal.columns && terminal.rows) return windowOf(terminal.columns, terminal.rows);
  return DEFAULT_WINDOW_SIZE;
}

function windowOf(columns: number, rows: number): WindowSize {
  return { width: Math.max(columns, 20), height: Math.max(rows - 1, 10) };
}

export function formatWindowSize(size: WindowSize): string {
  return `${size.width}x${size.height}`;
}

/** "132x42" → the size; anything else → undefined. */
export function parseWindowSize(text: string | undefined): WindowSize | undefined {
  const m = /^(\d{2,5})x(\d{1,5})$/.exec(text?.trim() ?? '');
  return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
}
