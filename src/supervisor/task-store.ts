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
  private constructor(readonly queue: TaskQueue, private readonly log: EventLog) {}

  static async open(file: string, mission: Mission, onEvent?: (e: TaskEvent) => void): Promise<TaskStore> {
    const events = existsSync(file) ? await readEvents(file) : [];
    // One fsync per flush instead of one per event: a hand-over logs four events in a row.
    const log = await EventLog.open(file, { fsync: false });
    const opts = {
      clock: { now: () => Date.now() },
      backoff: { baseMs: 1000, maxMs: 60_000 },
      mergeGate: mission.merge.test !== undefined,
      onEvent: (e: TaskEvent) => {
        // A write that fails is retried by the next flush, which is what reports it.
        log.append(e).catch(() => undefined);
        onEvent?.(e);
      },
    };
    const queue = TaskQueue.fromEvents(events, opts);
    const store = new TaskStore(queue, log);
    const known = new Set(queue.list().map((t) => t.id));
    const fresh = taskDefsFromMission(mission).filter((d) => !known.has(d.id));
    if (fresh.length > 0) queue.addAll(fresh);
    await store.flush();
    return store;
  }

  /** Log an orchestrator's need for a person (or its end) between the task events. */
  attention(e: AttentionEvent): Promise<void> {
    return this.log.append(e);
  }

  /**
   * Every event so far is on disk: the log writes in order, so one drain and one fsync are enough.
   * Rejects while it cannot write (a full disk); the events wait, in order, for the next flush.
   */
  flush(): Promise<void> {
    return this.log.sync();
  }

  /** Events still waiting for room on the disk. */
  get unwritten(): number {
    return this.log.unwritten;
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
