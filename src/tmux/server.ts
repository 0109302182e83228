import { execFile, spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { FlotillaError } from '../core/errors.js';

/**
 * One tmux server: the default one, or a private one (`tmux -L NAME`).
 * Every tmux command in Flotilla runs through here, so the socket is never
 * forgotten and every failure names the tmux subcommand that failed.
 */
export class TmuxServer {
  constructor(readonly socket?: string) {}

  /** The argv prefix that selects this server, for commands a user or a key binding runs. */
  get prefix(): string[] {
    return this.socket ? ['-L', this.socket] : [];
  }

  async run(args: string[], opts: { input?: string } = {}): Promise<string> {
    return exec([...this.prefix, ...args], subcommandsOf([args]), opts.input);
  }

  /**
   * Several commands in one tmux invocation (`a ; b ; c`): bring-up of a whole
   * fleet costs one process instead of one per window. tmux refuses a command
   * message over 16 KiB, so a long chain is split into as few invocations as fit,
   * run in order.
   */
  async chain(commands: string[][]): Promise<string> {
    let out = '';
    for (const batch of batches(commands)) {
      const argv = batch.flatMap((cmd, i) => [...(i > 0 ? [';'] : []), ...cmd.map(escapeArg)]);
      out += await exec([...this.prefix, ...argv], subcommandsOf(batch));
    }
    return out;
  }

  /** Like run, but a failure is a result instead of an error (for probes such as has-session). */
  async tryRun(args: string[]): Promise<string | undefined> {
    try {
      return await this.run(args);
    } catch (err) {
      if (err instanceof FlotillaError && err.failure.reason === 'tmux-failed') return undefined;
      throw err;
    }
  }

  async hasSession(session: string): Promise<boolean> {
    return (await this.tryRun(['has-session', '-t', exactSession(session)])) !== undefined;
  }

  /**
   * Hand this terminal to tmux: attach, or switch-client when already inside this server (attach
   * there fails with "sessions should be nested with care"). switch-client finds the client to
   * move from $TMUX_PANE, so this one keeps the environment.
   */
  attachInteractive(session: string, inside: boolean): number {
    const args = [...this.prefix, inside ? 'switch-client' : 'attach-session', '-t', exactSession(session)];
    return spawnSync('tmux', args, { stdio: 'inherit' }).status ?? 1;
  }

  /** The command a person types to attach to SESSION on this server. */
  attachCommand(session: string): string {
    return ['tmux', ...this.prefix, 'attach', '-t', session].join(' ');
  }

  /**
   * Where this process stands: outside tmux, in a pane of this server, or in a pane of another
   * server. $TMUX is "socket path,pid,session"; this server's path comes from tmux itself, so
   * -L names, TMUX_TMPDIR and symlinked temp dirs resolve as tmux resolves them.
   */
  async whereAmI(env: NodeJS.ProcessEnv = process.env): Promise<'outside' | 'inside' | 'inside-other'> {
    const mine = env.TMUX?.split(',')[0];
    if (!mine) return 'outside';
    const path = (await this.tryRun(['display-message', '-p', '#{socket_path}']))?.trim();
    return path && samePath(path, mine) ? 'inside' : 'inside-other';
  }

  async killSession(session: string): Promise<void> {
    await this.tryRun(['kill-session', '-t', exactSession(session)]);
  }
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  return a === b || real(a) === real(b);
}

/** `=name` matches a session name exactly instead of by prefix. */
export function exactSession(session: string): string {
  return `=${session}`;
}

/**
 * tmux ends a command at an argument that ends in ";" and turns a trailing
 * "\;" into ";". Escape so that every argument arrives exactly as given.
 */
export function escapeArg(arg: string): string {
  return arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg;
}

const MAX_CHAIN_BYTES = 12_000;

function batches(commands: string[][]): string[][][] {
  const out: string[][][] = [];
  let current: string[][] = [];
  let size = 0;
  for (const cmd of commands) {
    const bytes = cmd.reduce((n, a) => n + Buffer.byteLength(a) + 2, 2);
    if (current.length > 0 && size + bytes > MAX_CHAIN_BYTES) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(cmd);
    size += bytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function subcommandsOf(commands: string[][]): string {
  return commands.map((c) => c[0] ?? '').filter((v, i, a) => a.indexOf(v) === i).join(', ');
}

function exec(argv: string[], subcommand: string, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('tmux', argv, { maxBuffer: 64 * 1024 * 1024, env: tmuxEnv() }, (err, stdout, stderr) => {
      if (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new FlotillaError({ reason: 'tmux-not-found' }));
        return reject(new FlotillaError({ reason: 'tmux-failed', subcommand, stderr: stderr || err.message }));
      }
      resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Inside a tmux pane $TMUX points at that server; our commands name their server explicitly. */
function tmuxEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.TMUX;
  delete env.TMUX_PANE;
  return env;
}

/** The installed tmux's version ("3.3a"), or undefined when tmux is not on PATH. */
export async function tmuxVersion(): Promise<string | undefined> {
  const out = await exec(['-V'], '-V').catch((err: unknown) => {
    if (err instanceof FlotillaError && err.failure.reason === 'tmux-not-found') return undefined;
    throw err;
  });
  return out === undefined ? undefined : /tmux\s+(?:next-)?(\S+)/.exec(out)?.[1] ?? out.trim();
}
