import { literalText, type LiteralText } from './literal.js';
import type { TmuxServer } from './server.js';

/** Where tmux commands go: the control-mode client when there is one (no process per command). */
export interface PaneInput {
  server: TmuxServer;
  command?: (args: string[]) => Promise<unknown>;
  /** if-shell on the control client (see ControlClient.conditional); given with `command`. */
  conditional?: (args: string[]) => Promise<unknown>;
}

/** Longer texts go through load-buffer's stdin: no command line gets near tmux's limits. */
const INLINE_MAX_BYTES = 8000;

/**
 * Put text into a pane as text: controls shown as symbols first (literal.ts).
 * The text becomes a tmux buffer, either as one literally quoted argument on
 * the control client or through load-buffer's stdin (never through a format or
 * a shell), and is pasted with bracketed paste so the agent sees one paste even
 * with newlines. Never into a dead pane: tmux 3.3a segfaults on that, taking
 * every session of its server with it, so the check is in the same command.
 */
export async function pasteText(io: PaneInput, paneId: string, text: string): Promise<LiteralText> {
  const safe = literalText(text);
  const buffer = `flotilla-${paneId.replace('%', 'p')}`;
  const run = io.command ?? ((args: string[]) => io.server.run(args));
  if (io.command && Buffer.byteLength(safe.text) <= INLINE_MAX_BYTES) await run(['set-buffer', '-b', buffer, '--', safe.text]);
  else await io.server.run(['load-buffer', '-b', buffer, '-'], { input: safe.text });
  const guarded = ['if-shell', '-F', '-t', paneId, '#{pane_dead}', `delete-buffer -b ${buffer}`, `paste-buffer -p -d -b ${buffer} -t ${paneId}`];
  await (io.command && io.conditional ? io.conditional(guarded) : io.server.run(guarded));
  return safe;
}

export async function pressEnter(io: PaneInput, paneId: string): Promise<void> {
  await (io.command ?? ((args: string[]) => io.server.run(args)))(['send-keys', '-t', paneId, 'Enter']);
}

export interface DeliveryOptions {
  /** Resolves true once the agent shows it took the text (a hook, a heartbeat, a screen change). */
  acknowledged: (sinceMs: number, timeoutMs: number) => Promise<boolean>;
  attempts?: number;
  ackTimeoutMs?: number;
  /**
   * How long the first Enter gets before it is pressed again. Short: an agent that is still
   * starting drops it (Claude Code 2.1.197, in the second after its prompt first shows), and
   * a second Enter on a prompt that was taken is harmless.
   */
  firstAckTimeoutMs?: number;
  /** The text may already be in the agent's input line (a paste whose Enter was lost): press Enter before pasting. */
  resume?: boolean;
}

/**
 * Paste, Enter, wait for the agent to acknowledge. If it does not, the Enter
 * may have been lost (a known failure of agents in tmux): press Enter again
 * before pasting anew, so a prompt that did arrive is not sent twice.
 */
export async function deliver(io: PaneInput, paneId: string, text: string, opts: DeliveryOptions): Promise<{ ok: boolean; tries: number; literal: LiteralText }> {
  const attempts = opts.attempts ?? 3;
  const wait = opts.ackTimeoutMs ?? 3000;
  const since = Date.now();
  const literal = literalText(text); // what pasteText sends; counted once for the log
  if (!opts.resume) {
    await pasteText(io, paneId, text);
    // A short gap: some agents treat an Enter that arrives with the paste as part of it.
    await new Promise((r) => setTimeout(r, 30));
  }
  await pressEnter(io, paneId);
  const firstWait = Math.min(wait, opts.firstAckTimeoutMs ?? 1200);
  for (let tries = 1; tries <= attempts; tries++) {
    if (await opts.acknowledged(since, tries === 1 ? firstWait : wait)) return { ok: true, tries, literal };
    if (tries === attempts) break;
    if (tries === 1 && !opts.resume) await pressEnter(io, paneId);
    else {
      await pasteText(io, paneId, text);
      await new Promise((r) => setTimeout(r, 30));
      await pressEnter(io, paneId);
    }
  }
  return { ok: false, tries: attempts, literal };
}
