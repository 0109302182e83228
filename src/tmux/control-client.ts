import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { FlotillaError, InternalError } from '../core/errors.js';
import { ControlParser, type ControlEvent, type ControlNotification, type ControlReply } from './control-parser.js';
import { exactSession, type TmuxServer } from './server.js';

/**
 * One persistent tmux control-mode client (`tmux -C attach-session`) attached
 * to a session: commands without a process each, and `%output` from every pane
 * of the session as it happens, so watching panes needs no polling.
 *
 * Facts checked against tmux 3.3a:
 * - Plain `-C` with pipes (no TTY) works; `-CC` needs a terminal. Without a TTY
 *   nothing is echoed.
 * - The attach itself is answered by a `%begin/%end` block with flags 0; commands
 *   read from our stdin get flags 1. Commands written before that block may run
 *   before the attach does, so `attach` waits for it before anyone can send.
 * - Attaching to a missing session answers the attach block with `%error`
 *   ("can't find session: X") then `%exit`, exit status 1; if stdin is already
 *   at EOF it prints only `%exit` and exits 0, so both are handled.
 * - A control client that never ran `refresh-client -C WxH` does not count for
 *   window sizes whatever `window-size` says (latest, smallest and largest all
 *   left a 200x50 window alone, though the client reports 80 columns); we also
 *   attach with `-f ignore-size` (accepted by 3.3a) so a later size cannot count
 *   either. Never send `refresh-client -C`.
 * - `pause-after` is off unless asked for (`refresh-client -f pause-after=N`;
 *   `#{client_flags}` of our client lists none), so tmux never sends `%pause`;
 *   we never enable it. We read stdout at most outputBatchMs late, so output
 *   does not queue up in tmux: without pause-after, tmux's control.c drops a
 *   client whose unsent output gets too old (`%exit too far behind`).
 * - EOF on stdin detaches: tmux prints `%exit` and the client exits. So does an
 *   empty line, which is why `command([])` is refused. Killing the session or
 *   the server also gives a bare `%exit`.
 * - Cost (2-core VM, tmux 3.3a, node 20, measured 2 runs): `list-panes -s -F`
 *   with the full PANE_FIELDS format over 16 panes takes 0.6–1.1 ms awaited one
 *   at a time and 0.5–0.7 ms each when pipelined, against 4.3–5.5 ms for a
 *   `tmux list-panes` process via TmuxServer.run; a small read (one window's
 *   `#{pane_id}`) takes 0.15 ms (0.04 ms pipelined) against 3.4–3.7 ms. A line
 *   printed in a pane reaches the `output` event 0–1 ms later.
 */
export class ControlClient {
  private readonly parser = new ControlParser();
  private readonly waiting: { subcommand: string; resolve: (lines: string[]) => void; reject: (err: Error) => void }[] = [];
  private readonly listeners: { [E in keyof ControlClientEvents]: ControlClientEvents[E][] } = { output: [], notification: [], exit: [] };
  private attached: ((reply: ControlReply | undefined) => void) | undefined;
  private exitReason: string | undefined;
  private sawExit = false;
  private stderr = '';
  private ended = false;
  private readonly exited: Promise<void>;
  private resumeTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly outputBatchMs: number,
  ) {
    this.exited = new Promise((resolve) => child.on('close', () => resolve()));
  }

  /**
   * Spawn the control client and wait until tmux has attached it to SESSION (an exact name).
   * `outputBatchMs` (default 40): while no command is waiting for its reply, read
   * tmux's output at most this often, so pane output arrives in batches (0: as it comes).
   */
  static async attach(server: TmuxServer, session: string, opts: AttachOptions = {}): Promise<ControlClient> {
    const argv = [...server.prefix, '-C', 'attach-session', '-f', 'ignore-size', '-t', exactSession(session)];
    const child = spawn('tmux', argv, { stdio: ['pipe', 'pipe', 'pipe'], env: tmuxEnv() });
    const client = new ControlClient(child, opts.outputBatchMs ?? DEFAULT_OUTPUT_BATCH_MS);
    const reply = await new Promise<ControlReply | undefined>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(attachFailed(`no reply from tmux within ${opts.timeoutMs ?? 10_000} ms`));
      }, opts.timeoutMs ?? 10_000);
      client.attached = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      child.once('error', (err) => {
        clearTimeout(timer);
        reject((err as NodeJS.ErrnoException).code === 'ENOENT' ? new FlotillaError({ reason: 'tmux-not-found' }) : attachFailed(err.message));
      });
      client.listen();
    });
    if (!reply?.ok) {
      await client.close();
      const why = reply ? reply.lines.join('\n') : client.stderr.trim() || `the control client exited before attaching; is there a session named "${session}"?`;
      throw attachFailed(why);
    }
    return client;
  }

  /** The tmux client process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True once the tmux client has exited (after close, `%exit`, or the session or server going away). */
  get closed(): boolean {
    return this.ended;
  }

  /**
   * Run one tmux command; resolves with its output lines, rejects with a
   * FlotillaError naming the subcommand when tmux answers `%error`. Commands
   * may be issued without waiting: replies come back in order. Every argument
   * arrives literally (see quoteArg).
   */
  command(args: string[]): Promise<string[]> {
    const subcommand = args[0] ?? '';
    if (args.length === 0) return Promise.reject(new InternalError('ControlClient.command needs at least the subcommand'));
    if (this.ended || !this.child.stdin.writable) return Promise.reject(failed(subcommand, 'the tmux control client has exited'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ subcommand, resolve, reject });
      this.child.stdin.write(`${args.map(quoteArg).join(' ')}\n`);
      this.resumeReading();
    });
  }

  /**
   * `if-shell -F …` with a command in each branch: tmux answers the if-shell,
   * then the command it chose in a block of its own (flags 1 too), or only the
   * if-shell's %error when it fails (no such pane). Taking both blocks here
   * keeps every later reply matched to its own command.
   */
  conditional(args: string[]): Promise<string[]> {
    if (args[0] !== 'if-shell') return Promise.reject(new InternalError('ControlClient.conditional runs if-shell only'));
    if (this.ended || !this.child.stdin.writable) return Promise.reject(failed('if-shell', 'the tmux control client has exited'));
    return new Promise((resolve, reject) => {
      const chosen = { subcommand: 'if-shell', resolve, reject };
      const first = {
        subcommand: 'if-shell',
        resolve: () => undefined, // the chosen command's block follows
        reject: (err: Error) => {
          const i = this.waiting.indexOf(chosen);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(err);
        },
      };
      this.waiting.push(first, chosen);
      this.child.stdin.write(`${args.map(quoteArg).join(' ')}\n`);
      this.resumeReading();
    });
  }

  on<E extends keyof ControlClientEvents>(event: E, listener: ControlClientEvents[E]): this {
    this.listeners[event].push(listener);
    return this;
  }

  off<E extends keyof ControlClientEvents>(event: E, listener: ControlClientEvents[E]): this {
    const list = this.listeners[event];
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
    return this;
  }

  /**
   * Detach: end stdin (tmux answers commands already sent, prints `%exit` and the
   * client exits), wait for the process to be reaped; SIGKILL after `graceMs`.
   */
  async close(graceMs = 2000): Promise<void> {
    if (!this.ended) {
      this.child.stdin.end();
      this.resumeReading();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    await this.exited;
  }

  private listen(): void {
    const { child } = this;
    child.stdout.on('data', (chunk: Buffer) => {
      for (const event of this.parser.feed(chunk)) this.dispatch(event);
      this.pauseReading();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      this.stderr = (this.stderr + text).slice(-4096);
    });
    // EPIPE when the client is already gone; the 'close' handler reports it.
    child.stdin.on('error', () => undefined);
    child.on('close', () => {
      this.ended = true;
      clearTimeout(this.resumeTimer);
      this.attached?.(undefined);
      this.attached = undefined;
      const why = this.exitReason ?? (this.stderr.trim() || 'the tmux control client exited');
      for (const w of this.waiting.splice(0)) w.reject(failed(w.subcommand, why));
      for (const l of this.listeners.exit) l(this.exitReason, this.sawExit);
    });
  }

  /**
   * Node pays for every wake-up: on this 2-core VM an empty 20 ms interval timer
   * alone costs ~5 ms CPU/s. 16 panes printing 20 lines/s each arrive as ~320
   * chunks a second, ~45 ms CPU/s when each is read as it comes. Between commands
   * we stop reading for outputBatchMs after each chunk and take what accumulated
   * in one read: measured 25 ms/s at 20 ms, 20 ms/s at 30 ms, 16 ms/s at 50 ms
   * (bench/watch.mjs: 0.22x the capture-pane baseline at 30 ms, 0.16x at 40 ms).
   * 40 ms keeps a line printed during a pause under the 50 ms we promise; sparse
   * output (slower than one chunk per batch) is still read at once. The pipe
   * (64 KiB) and the tmux client's own buffer absorb the pause, and a command
   * resumes reading at once, so replies are never delayed. Node has no public
   * way to stop a socket's reads below its high-water mark, so this calls the
   * stream handle's readStop/readStart (what net.Socket itself calls) and falls
   * back to reading as data comes if they are missing.
   */
  private pauseReading(): void {
    if (this.outputBatchMs <= 0 || this.resumeTimer || this.waiting.length > 0 || this.ended) return;
    const handle = streamHandle(this.child.stdout);
    if (!handle) return;
    // `reading` stays true: net.Socket restarts a handle it believes stopped as
    // soon as the stream asks for more, which would undo the pause
    handle.readStop();
    this.resumeTimer = setTimeout(() => this.resumeReading(), this.outputBatchMs);
    this.resumeTimer.unref();
  }

  private resumeReading(): void {
    if (!this.resumeTimer) return;
    clearTimeout(this.resumeTimer);
    this.resumeTimer = undefined;
    const handle = streamHandle(this.child.stdout);
    if (!handle || this.child.stdout.destroyed) return;
    handle.readStart();
  }

  private dispatch(event: ControlEvent): void {
    switch (event.type) {
      case 'reply':
        if (event.flags === 0) {
          // the attach-session from our argv (or, after it, a command not read from our stdin)
          this.attached?.(event);
          this.attached = undefined;
          return;
        }
        this.answer(event);
        return;
      case 'output':
        for (const l of this.listeners.output) l(event.paneId, event.data);
        return;
      case 'extended-output':
        for (const l of this.listeners.output) l(event.paneId, event.data);
        return;
      case 'exit':
        this.sawExit = true;
        this.exitReason = event.reason;
        break;
      default:
        break;
    }
    for (const l of this.listeners.notification) l(event);
  }

  private answer(reply: ControlReply): void {
    const w = this.waiting.shift();
    if (!w) return;
    if (reply.ok) w.resolve(reply.lines);
    else w.reject(failed(w.subcommand, reply.lines.join('\n')));
  }
}

export interface AttachOptions {
  /** Give up attaching after this long (default 10 s). */
  timeoutMs?: number;
  /** Read pane output at most this often while no reply is awaited (default 40 ms; 0: as it comes). */
  outputBatchMs?: number;
}

const DEFAULT_OUTPUT_BATCH_MS = 40;

interface StreamHandle {
  readStart(): number;
  readStop(): number;
}

function streamHandle(stream: unknown): StreamHandle | undefined {
  const handle = (stream as { _handle?: Partial<StreamHandle> | null })._handle;
  return typeof handle?.readStop === 'function' && typeof handle.readStart === 'function' ? (handle as StreamHandle) : undefined;
}

export interface ControlClientEvents {
  /** Bytes a pane wrote (`%output`/`%extended-output`), decoded; UTF-8 may be split between calls. */
  output: (paneId: string, data: Buffer) => void;
  /** Every other notification, `%exit` included. */
  notification: (n: ControlNotification) => void;
  /** The tmux client process has exited; the `%exit` reason if tmux gave one, and whether it printed `%exit` at all. */
  exit: (reason: string | undefined, sawExit: boolean) => void;
}

/**
 * Quote one argument for tmux's command parser so it arrives literally: single
 * quotes (no `$`, `~`, `#`, `;`, `{}` or `\` processing inside), a `'` as `\'`
 * between quoted runs, and control characters (newline included: one command
 * is one line in control mode) as `"\ooo"` octal escapes in double quotes,
 * which tmux turns back into the byte.
 */
export function quoteArg(arg: string): string {
  let out = '';
  let open = false;
  for (const ch of arg) {
    const code = ch.charCodeAt(0);
    if (ch === "'" || code < 0x20 || code === 0x7f) {
      if (open) out += "'";
      open = false;
      out += ch === "'" ? "\\'" : `"\\${code.toString(8).padStart(3, '0')}"`;
    } else {
      if (!open) out += "'";
      open = true;
      out += ch;
    }
  }
  if (open) out += "'";
  return out === '' ? "''" : out;
}

function failed(subcommand: string, stderr: string): FlotillaError {
  return new FlotillaError({ reason: 'tmux-failed', subcommand, stderr });
}

function attachFailed(stderr: string): FlotillaError {
  return failed('attach-session', stderr);
}

/** Inside a tmux pane $TMUX points at that server; the socket is named explicitly instead. */
function tmuxEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.TMUX;
  delete env.TMUX_PANE;
  return env;
}
