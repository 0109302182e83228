import type { TmuxServer } from './server.js';

/**
 * Put text into a pane exactly as written and submit it. The text goes to a
 * tmux buffer through stdin (never through a command line, a format or a
 * shell), is pasted with bracketed paste so the agent sees one paste even with
 * newlines, then Enter is sent as a key of its own.
 */
export async function pasteText(server: TmuxServer, paneId: string, text: string): Promise<void> {
  const buffer = `flotilla-${paneId.replace('%', 'p')}`;
  await server.run(['load-buffer', '-b', buffer, '-'], { input: text });
  await server.run(['paste-buffer', '-p', '-d', '-b', buffer, '-t', paneId]);
}

export async function pressEnter(server: TmuxServer, paneId: string): Promise<void> {
  await server.run(['send-keys', '-t', paneId, 'Enter']);
}

export interface DeliveryOptions {
  /** Resolves true once the agent shows it took the text (a hook, a heartbeat, a screen change). */
  acknowledged: (sinceMs: number, timeoutMs: number) => Promise<boolean>;
  attempts?: number;
  ackTimeoutMs?: number;
  /** The text may already be in the agent's input line (a paste whose Enter was lost): press Enter before pasting. */
  resume?: boolean;
}

/**
 * Paste, Enter, wait for the agent to acknowledge. If it does not, the Enter
 * may have been lost (a known failure of agents in tmux): press Enter again
 * before pasting anew, so a prompt that did arrive is not sent twice.
 */
export async function deliver(server: TmuxServer, paneId: string, text: string, opts: DeliveryOptions): Promise<{ ok: boolean; tries: number }> {
  const attempts = opts.attempts ?? 3;
  const wait = opts.ackTimeoutMs ?? 3000;
  const since = Date.now();
  if (!opts.resume) {
    await pasteText(server, paneId, text);
    // A short gap: some agents treat an Enter that arrives with the paste as part of it.
    await new Promise((r) => setTimeout(r, 30));
  }
  await pressEnter(server, paneId);
  for (let tries = 1; tries <= attempts; tries++) {
    if (await opts.acknowledged(since, wait)) return { ok: true, tries };
    if (tries === attempts) break;
    if (tries === 1 && !opts.resume) await pressEnter(server, paneId);
    else {
      await pasteText(server, paneId, text);
      await new Promise((r) => setTimeout(r, 30));
      await pressEnter(server, paneId);
    }
  }
  return { ok: false, tries: attempts };
}
