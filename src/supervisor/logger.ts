import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** The supervisor's log: timestamped lines in supervisor.log (the status pane tails it), and stdout in --foreground. */
export class Logger {
  private readonly stream: WriteStream;
  constructor(file: string, private readonly echo: boolean) {
    mkdirSync(dirname(file), { recursive: true });
    this.stream = createWriteStream(file, { flags: 'a' });
  }

  log(message: string): void {
    // Work still in flight when start-up fails may report after the log is closed.
    if (this.stream.writableEnded) return;
    const line = `${new Date().toISOString().slice(11, 23)} ${message}\n`;
    this.stream.write(line);
    if (this.echo) process.stdout.write(line);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
