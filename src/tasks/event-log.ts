import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { naming } from '../core/write-errors.js';
import type { LogEvent, TaskEvent } from './events.js';
import { TaskQueue, type TaskQueueOptions } from './queue.js';

/**
 * The append-only task event log (events.jsonl), one JSON object per line.
 * Only newline-terminated lines count: a line cut short by a crash is
 * ignored by `readEvents` and cut off by `EventLog.open` before appending, so
 * a new event never glues onto a torn one.
 *
 * A write that fails (a full disk) is cut back to the last whole line, and
 * its lines are kept and written first by the next append or sync: the log
 * keeps every event, in order, once there is room again.
 */
export class EventLog {
  private tail: Promise<void> = Promise.resolve();
  /** Lines not on disk yet, oldest first. */
  private backlog: string[] = [];
  /** Appended since the last fsync. */
  private dirty = false;

  private constructor(readonly file: string, private readonly handle: FileHandle, private readonly fsync: boolean, private size: number) {}

  static async open(file: string, opts: { fsync?: boolean } = {}): Promise<EventLog> {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await cutTornTail(file);
    // 'a' is O_WRONLY|O_CREAT|O_APPEND: every write lands at the end even if the offset is stale.
    const handle = await open(file, 'a', 0o600);
    return new EventLog(file, handle, opts.fsync ?? true, (await handle.stat()).size);
  }

  /**
   * Append one event. Appends are queued so lines keep the order of the
   * calls; the promise settles once this line (and every one before it) is
   * written, and rejects while they cannot be.
   */
  append(event: LogEvent): Promise<void> {
    this.backlog.push(`${JSON.stringify(event)}\n`);
    return this.queue(async () => {
      await this.drain();
      if (this.fsync) await this.handle.sync();
    });
  }

  /** Write what is pending and make every append so far durable with one fsync (for a writer that opened with fsync: false and batches). */
  sync(): Promise<void> {
    return this.queue(async () => {
      await this.drain();
      if (!this.dirty) return;
      await this.handle.sync();
      this.dirty = false;
    });
  }

  /** Lines waiting for room on the disk. */
  get unwritten(): number {
    return this.backlog.length;
  }

  private queue(step: () => Promise<void>): Promise<void> {
    const next = this.tail.then(step);
    // A failed write must not block the ones after it; the caller still sees the failure.
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async drain(): Promise<void> {
    const count = this.backlog.length;
    if (count === 0) return;
    const text = this.backlog.slice(0, count).join('');
    try {
      await this.handle.appendFile(text, 'utf8');
    } catch (err) {
      // Part of it may be on disk: cut back to the last whole line, so the next write does not glue onto half a line.
      await this.handle.truncate(this.size).catch(() => undefined);
      throw naming(err, this.file);
    }
    this.size += Buffer.byteLength(text);
    this.backlog.splice(0, count);
    this.dirty = true;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.drain().catch(() => undefined);
    await this.handle.close();
  }
}

export class CorruptEventLogError extends Error {
  override name = 'CorruptEventLogError';
  constructor(readonly file: string, readonly line: number, detail: string) {
    super(`${file}:${line}: not a task event (${detail})`);
  }
}

/** The events in `file`, oldest first; a missing file is an empty log. */
export async function readEvents(file: string): Promise<TaskEvent[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return parseEvents(text, file);
}

export function parseEvents(text: string, file = '<events>'): TaskEvent[] {
  const lines = text.split('\n');
  // The piece after the last newline is either empty or a torn write.
  lines.pop();
  return lines.flatMap((line, i) => {
    if (line.trim() === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new CorruptEventLogError(file, i + 1, (err as Error).message);
    }
    if (!isEvent(value)) throw new CorruptEventLogError(file, i + 1, 'missing ts, task, from or to');
    // Attention lines (an orchestrator waiting for a person) change no task.
    return value.event === 'attention' ? [] : [value as TaskEvent];
  });
}

/** The queue the log describes; the supervisor relies on state = replay(log) after a crash. */
export function replay(events: Iterable<TaskEvent>, opts: TaskQueueOptions): TaskQueue {
  return TaskQueue.fromEvents(events, opts);
}

function isEvent(v: unknown): v is LogEvent {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (e.event === 'added' || e.event === 'transition' || e.event === 'attention') && typeof e.ts === 'number' && typeof e.task === 'string' && 'from' in e && typeof e.to === 'string';
}

async function cutTornTail(file: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await handle.read(chunk, 0, end - start, start);
      const nl = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (nl !== -1) {
        end = start + nl + 1;
        break;
      }
      end = start;
    }
    if (end < size) {
      await handle.truncate(end);
      await handle.sync();
    }
  } finally {
    await handle.close();
  }
}
