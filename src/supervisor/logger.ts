import { appendFileSync, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { terminalText } from '../core/terminal-text.js';

/**
 * The supervisor's log: timestamped lines in supervisor.log (the status pane
 * tails it), and stdout in --foreground. Secrets never reach it: known key
 * shapes and the mission's own secret values are replaced (see redact).
 * A log that cannot be written (a full disk) never stops the supervisor:
 * lines wait in memory (the latest MAX_HELD), the file is tried again every
 * RETRY_MS, and once it can be written it says how many lines were dropped.
 */
const MAX_HELD = 1000;
const RETRY_MS = 2000;

export class Logger {
  private stream: WriteStream;
  private secrets: string[] = [];
  private closed = false;
  /** Lines not written since the file failed; undefined while it writes. */
  private held: string[] | undefined;
  private dropped = 0;
  private retryAt = 0;

  constructor(private readonly file: string, private readonly echo: boolean) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    this.stream = this.open();
  }

  /** Values to blank out of every line from now on (the mission's secret agent.env values). */
  hide(values: string[]): void {
    this.secrets = values;
  }

  log(message: string): void {
    // Work still in flight when start-up fails may report after the log is closed.
    if (this.closed) return;
    // The status pane tails this file: a task's `\e[2J` must read as text there, not clear it.
    const line = `${new Date().toISOString().slice(11, 23)} ${terminalText(redact(message, this.secrets))}\n`;
    if (this.echo) process.stdout.write(line);
    if (this.held) return this.hold(line);
    this.stream.write(line);
  }

  close(): Promise<void> {
    this.closed = true;
    return new Promise((resolve) => this.stream.end(resolve));
  }

  private open(): WriteStream {
    const stream = createWriteStream(this.file, { flags: 'a', mode: 0o600 });
    stream.on('error', () => {
      this.held ??= [];
      this.retryAt = Date.now() + RETRY_MS;
    });
    return stream;
  }

  private hold(line: string): void {
    this.held!.push(line);
    if (this.held!.length > MAX_HELD) this.dropped += this.held!.splice(0, this.held!.length - MAX_HELD).length;
    if (Date.now() < this.retryAt) return;
    // Try the file again, synchronously (every RETRY_MS at most): either what was held goes, or it stays held.
    this.retryAt = Date.now() + RETRY_MS;
    const note = this.dropped > 0 ? `${new Date().toISOString().slice(11, 23)} (${this.dropped} earlier log lines were lost while the log could not be written)\n` : '';
    try {
      appendFileSync(this.file, note + this.held!.join(''), { mode: 0o600 });
    } catch {
      return;
    }
    this.held = undefined;
    this.dropped = 0;
    this.stream.destroy();
    this.stream = this.open();
  }
}

/** What looks like a key or token: Anthropic's, OpenAI's, GitHub's, AWS access key ids. */
const KEY_SHAPES = /\b(?:sk-ant-[A-Za-z0-9_-]{8,}|sk-[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|AKIA[0-9A-Z]{16})/g;

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(KEY_SHAPES, '[redacted]');
  for (const s of secrets) if (s.length >= 6) out = out.split(s).join('[redacted]');
  return out;
}

/** The values of agent.env variables named like secrets (*_KEY, *_TOKEN, *SECRET*, *PASSWORD*). */
export function secretValues(envs: Iterable<Record<string, string> | undefined>): string[] {
  const out = new Set<string>();
  for (const env of envs) for (const [k, v] of Object.entries(env ?? {})) if (/(KEY|TOKEN|PASSWD|CREDENTIALS?)$|SECRET|PASSWORD/i.test(k) && v) out.add(v);
  return [...out];
}
