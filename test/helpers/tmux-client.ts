import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, retryUntil, type FleetEnv, type RunResult } from './fleet-env.js';

/**
 * A real tmux client attached to a session, as a person's terminal would be:
 * `script` gives it a pty of the chosen size, and what is written to `press`
 * reaches tmux as typed keys ("\x1bt" is Alt-t).
 */
export interface AttachedClient {
  /** The client's tty, which names it in `display -c` and `list-clients`. */
  tty: string;
  press(keys: string): void;
  /** A format read in this client's context: `#{pane_id}` is the pane it shows. */
  display(format: string): Promise<string>;
  close(): Promise<void>;
}

export async function attachClient(f: FleetEnv, session: string, size = { cols: 120, rows: 40 }): Promise<AttachedClient> {
  const before = new Set(await ttys(f));
  const inner = `stty cols ${size.cols} rows ${size.rows}; exec tmux -L ${f.socket} attach-session -t '=${session}'`;
  const child: ChildProcess = spawn('script', ['-qfec', inner, '/dev/null'], { env: { ...f.env, TERM: 'xterm-256color' }, stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const tty = await retryUntil(async () => (await ttys(f)).find((t) => !before.has(t)), { what: `a client attached to ${session}` });
  return {
    tty,
    press: (keys) => void child.stdin!.write(keys),
    display: async (format) => (await f.tmux(['display-message', '-p', '-c', tty, format])).trim(),
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function ttys(f: FleetEnv): Promise<string[]> {
  const out = await f.tmux(['list-clients', '-F', '#{client_tty}']).catch(() => '');
  return out.split('\n').filter(Boolean);
}

/** `flotilla ARGS` in a terminal of the given size, as a person runs it (stdout is a TTY). Output is not kept. */
export function flotillaInPty(f: FleetEnv, args: string[], size: { cols: number; rows: number }): Promise<Pick<RunResult, 'code'>> {
  const words = [process.execPath, BIN, ...args].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const inner = `stty cols ${size.cols} rows ${size.rows}; exec ${words}`;
  return new Promise((resolve) => {
    const child = spawn('script', ['-qfec', inner, '/dev/null'], { env: f.env, cwd: f.repo.dir, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('close', (code) => resolve({ code: code ?? 1 }));
  });
}
