import { writeHeartbeat } from '../signals/heartbeat.js';
import type { Clock } from './clock.js';

export type PulseState = 'idle' | 'working';

/**
 * The sim agent's heartbeat: one write on every state change and one every
 * interval while alive. Writes are chained because writeHeartbeat reuses one
 * temp file per process, and two in flight would race on its rename.
 */
export class Pulse {
  private state: PulseState = 'idle';
  private chain: Promise<void> = Promise.resolve();
  private cancelTimer: (() => void) | undefined;
  private stopped = false;
  private lastPromptAt: number | undefined;

  constructor(
    private readonly file: string | undefined,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.beat();
    this.cancelTimer = this.clock.setInterval(() => this.beat(), this.intervalMs);
  }

  set(state: PulseState): void {
    if (state === 'working' && this.state !== 'working') this.lastPromptAt = Date.now();
    this.state = state;
    this.beat();
  }

  /** No more heartbeats, ever (on exit, and to simulate a hung agent). */
  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /** Resolves when every write so far has landed. */
  settled(): Promise<void> {
    return this.chain;
  }

  private beat(): void {
    const file = this.file;
    if (!file || this.stopped) return;
    const state = this.state;
    // A failed write is not worth killing the agent over; the next beat retries.
    this.chain = this.chain.then(() => writeHeartbeat(file, { source: 'sim', state, lastPromptAt: this.lastPromptAt })).then(
      () => undefined,
      () => undefined,
    );
  }
}
