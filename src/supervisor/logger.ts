import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { terminalText } from '../core/terminal-text.js';

/**
 * The supervisor's log: timestamped lines in supervisor.log (the status pane
 * tails it), and stdout in --foreground. Secrets never reach it: known key
 * shapes and the mission's own secret values are replaced (see redact).
 */
export class Logger {
  private readonly stream: WriteStream;
  private secrets: string[] = [];
  constructor(file: string, private readonly echo: boolean) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    this.stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
  }

  /** Values to blank out of every line from now on (the mission's secret agent.env values). */
  hide(values: string[]): void {
    this.secrets = values;
  }

  log(message: string): void {
    // Work still in flight when start-up fails may report after the log is closed.
    if (this.stream.writableEnded) return;
    // The status pane tails this file: a task's `\e[2J` must read as text there, not clear it.
    const line = `${new Date().toISOString().slice(11, 23)} ${terminalText(redact(message, this.secrets))}\n`;
    this.stream.write(line);
    if (this.echo) process.stdout.write(line);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
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
