import { DebouncedClassifier } from '../agents/screen-classifier.js';
import type { AgentKind } from '../agents/screen-classifier.js';
import { ControlClient } from '../tmux/control-client.js';
import { listPanes } from '../tmux/fleet.js';
import { paneFormat, parsePanes, type PaneInfo } from '../tmux/format.js';
import { exactSession, type TmuxServer } from '../tmux/server.js';

/** A screen is read once its output has settled this long... */
const CLASSIFY_AFTER_MS = 150;
/** ...or at most this often while output keeps coming (a chatty program would otherwise cost a read per burst), */
const CLASSIFY_AT_MOST_EVERY_MS = 2000;
/** ...but soon when the screen last said the agent was waiting: output then means something just started. */
const CLASSIFY_AFTER_WAITING_MS = 300;

/**
 * The supervisor's eyes on tmux: one control-mode client for the whole
 * session. Pane reads are commands on it (no process per poll); pane output
 * arrives as events, which count as activity and, for agents without hooks,
 * trigger a read of the screen for the classifier. If the client goes away
 * (session killed, tmux restarted), reads fall back to a tmux process each.
 */
export class PaneWatcher {
  private readonly classifiers = new Map<string, DebouncedClassifier>();
  private readonly scheduled = new Set<string>();
  private readonly lastOutput = new Map<string, number>();
  private readonly lastRead = new Map<string, number>();
  /** Set when the control client ended: tmux's reason, "" for a plain detach or a closed session. */
  private endedWith: string | undefined;

  private constructor(
    private readonly tmux: TmuxServer,
    private readonly session: string,
    private client: ControlClient | undefined,
    private readonly handlers: {
      onOutput: (paneId: string, at: number) => void;
      onScreen: (paneId: string, reading: { state: string; line?: string }, at: number) => void;
      log: (m: string) => void;
    },
  ) {}

  static async start(tmux: TmuxServer, session: string, handlers: PaneWatcher['handlers']): Promise<PaneWatcher> {
    let client: ControlClient | undefined;
    try {
      // Output only marks activity and wakes the classifier: 100 ms batches are plenty, and each wake-up costs CPU.
      client = await ControlClient.attach(tmux, session, { outputBatchMs: 100 });
    } catch (err) {
      handlers.log(`control-mode client unavailable, reading panes by polling: ${err instanceof Error ? err.message : String(err)}`);
    }
    const watcher = new PaneWatcher(tmux, session, client, handlers);
    client?.on('output', (paneId) => watcher.onOutput(paneId));
    client?.on('exit', (reason, sawExit) => {
      watcher.client = undefined;
      // No %exit at all: the connection to the server broke (it died), as with "server exited unexpectedly".
      watcher.endedWith = sawExit ? (reason ?? '') : 'no %exit';
    });
    return watcher;
  }

  /** Classify this pane's screen: its agent reports no state of its own. */
  classify(paneId: string, kind: AgentKind): void {
    if (this.classifiers.has(paneId)) return;
    this.classifiers.set(paneId, new DebouncedClassifier(kind));
    // What the agent drew before we were watching (its first prompt) produces no further output.
    this.scheduled.add(paneId);
    setTimeout(() => void this.read(paneId), CLASSIFY_AFTER_MS);
  }

  /** The pane's agent was restarted: forget what its screen said, and read the new one. */
  restarted(paneId: string): void {
    const classifier = this.classifiers.get(paneId);
    if (!classifier) return;
    this.classifiers.delete(paneId);
    this.classify(paneId, classifier.kind);
  }

  async listPanes(): Promise<PaneInfo[]> {
    if (!this.client || this.client.closed) return listPanes(this.tmux, this.session);
    try {
      return parsePanes(`${(await this.client.command(['list-panes', '-s', '-t', exactSession(this.session), '-F', paneFormat()])).join('\n')}\n`);
    } catch {
      return listPanes(this.tmux, this.session);
    }
  }

  /** One tmux command on the control client (or a process when there is none). */
  async command(args: string[]): Promise<unknown> {
    if (this.client && !this.client.closed) return this.client.command(args);
    return this.tmux.run(args);
  }

  /** An if-shell (see ControlClient.conditional). */
  async conditional(args: string[]): Promise<unknown> {
    if (this.client && !this.client.closed) return this.client.conditional(args);
    return this.tmux.run(args);
  }

  /**
   * The last non-empty lines of a pane's screen, a dead pane's too (remain-on-exit keeps it). From
   * some history as well: tmux 3.3 scrolls a dead pane's last output off the screen to print "Pane is dead".
   */
  async lastLines(paneId: string, count = 6): Promise<string[]> {
    const out = await this.command(['capture-pane', '-p', '-S', '-200', '-t', paneId]);
    const text = Array.isArray(out) ? out.join('\n') : String(out);
    return text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '').slice(-count);
  }

  /**
   * Whether tmux itself crashed (or was SIGKILLed): its control client then ends with "server
   * exited unexpectedly" (or without any %exit), while a session or server closed on purpose ends
   * it with a plain %exit.
   * Waits up to `ms` for the client to end; undefined when there was no client to tell.
   */
  async serverCrashed(ms = 5000): Promise<boolean | undefined> {
    const deadline = Date.now() + ms;
    while (this.endedWith === undefined && this.client && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (this.endedWith === undefined) return undefined;
    return /exited unexpectedly|lost server|no %exit/i.test(this.endedWith);
  }

  async close(): Promise<void> {
    await this.client?.close();
    this.client = undefined;
  }

  private onOutput(paneId: string): void {
    const now = Date.now();
    this.handlers.onOutput(paneId, now);
    this.lastOutput.set(paneId, now);
    if (!this.classifiers.has(paneId) || this.scheduled.has(paneId)) return;
    this.scheduled.add(paneId);
    setTimeout(() => void this.read(paneId), CLASSIFY_AFTER_MS);
  }

  /** `confirm`: the second look a debounced change needs, which must not wait for the rate limit. */
  private async read(paneId: string, confirm = false): Promise<void> {
    this.scheduled.delete(paneId);
    const classifier = this.classifiers.get(paneId);
    if (!classifier || !this.client) return;
    const now = Date.now();
    const settledAt = (this.lastOutput.get(paneId) ?? 0) + CLASSIFY_AFTER_MS;
    const waiting = classifier.latest.state === 'idle' || classifier.latest.state === 'waiting-for-human';
    const dueAt = (this.lastRead.get(paneId) ?? 0) + (waiting ? CLASSIFY_AFTER_WAITING_MS : CLASSIFY_AT_MOST_EVERY_MS);
    if (!confirm && now < settledAt && now < dueAt) {
      this.scheduled.add(paneId);
      setTimeout(() => void this.read(paneId), Math.min(settledAt, dueAt) - now);
      return;
    }
    this.lastRead.set(paneId, now);
    try {
      const screen = (await this.client.command(['capture-pane', '-p', '-t', paneId])).join('\n');
      const state = classifier.observe(screen) ?? classifier.tick();
      if (state) this.handlers.onScreen(paneId, { state, line: classifier.latest.state === state ? classifier.latest.line : undefined }, Date.now());
      // A change still settling: look again once the debounce has passed.
      if (classifier.pendingUntil !== undefined) {
        this.scheduled.add(paneId);
        setTimeout(() => void this.read(paneId, true), Math.max(10, classifier.pendingUntil - Date.now() + 5));
      }
    } catch {
      // the pane went away between the output and the read
    }
  }
}
