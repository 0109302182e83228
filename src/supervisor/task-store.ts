import { existsSync } from 'node:fs';
import type { Mission } from '../mission/schema.js';
import { EventLog, readEvents } from '../tasks/event-log.js';
import type { AttentionEvent, TaskEvent } from '../tasks/events.js';
import { taskDefsFromMission } from '../tasks/from-mission.js';
import { TaskQueue } from '../tasks/queue.js';

/**
 * The mission's task queue, backed by its append-only event log: a new
 * supervisor replays the log (after a SIGKILL, say) and adds only the
 * mission's tasks the log does not know yet.
 */
export class TaskStore {
  private pending: Promise<void> = Promise.resolve();
  private constructor(readonly queue: TaskQueue, private readonly log: EventLog) {}

  static async open(file: string, mission: Mission, onEvent?: (e: TaskEvent) => void): Promise<TaskStore> {
    const events = existsSync(file) ? await readEvents(file) : [];
    // One fsync per flush instead of one per event: a hand-over logs four events in a row.
    const log = await EventLog.open(file, { fsync: false });
    let store: TaskStore | undefined;
    const opts = {
      clock: { now: () => Date.now() },
      backoff: { baseMs: 1000, maxMs: 60_000 },
      onEvent: (e: TaskEvent) => {
        store!.pending = log.append(e);
        onEvent?.(e);
      },
    };
    const queue = TaskQueue.fromEvents(events, opts);
    store = new TaskStore(queue, log);
    const known = new Set(queue.list().map((t) => t.id));
    const fresh = taskDefsFromMission(mission).filter((d) => !known.has(d.id));
    if (fresh.length > 0) queue.addAll(fresh);
    await store.flush();
    return store;
  }

  /** Log an orchestrator's need for a person (or its end) between the task events. */
  attention(e: AttentionEvent): Promise<void> {
    this.pending = this.log.append(e);
    return this.pending;
  }

  /** Every event so far is on disk: the log appends in order, so the last one settling and one fsync are enough. */
  async flush(): Promise<void> {
    await this.pending;
    await this.log.sync();
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
