import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptEventLogError, EventLog, readEvents, replay } from '../../src/tasks/event-log.js';
import type { TaskEvent } from '../../src/tasks/events.js';
import { TaskQueue } from '../../src/tasks/queue.js';
import type { TaskDef } from '../../src/tasks/task.js';

const def = (id: string, deps: string[] = []): TaskDef => ({ id, title: id, deps, priority: 0, retries: 1, timeoutMs: 1000, role: null, stream: null });
const clock = { now: () => 5_000 };

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-tasks-log-'));
  file = join(dir, 'missions', 'm', 'events.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function liveQueueLoggingTo(log: EventLog) {
  const pending: Promise<void>[] = [];
  const q = new TaskQueue({ clock, onEvent: (e) => pending.push(log.append(e)) });
  q.addAll([def('b', ['a']), def('a')]);
  q.assign('a', 'ann');
  q.start('a');
  q.fail('a', 'boom');
  await Promise.all(pending);
  return q;
}

describe('task event log', () => {
  it('writes one JSON object per line and replays to the same queue', async () => {
    const log = await EventLog.open(file);
    const q = await liveQueueLoggingTo(log);
    await log.close();
    const text = await readFile(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as TaskEvent);
    expect(lines[0]).toMatchObject({ event: 'added', task: 'a', from: null, to: 'pending' });
    expect(lines.find((e) => e.to === 'failed')).toMatchObject({ ts: 5_000, task: 'a', orchestrator: 'ann', from: 'running', to: 'failed', attempt: 1, reason: 'boom' });
    expect(replay(await readEvents(file), { clock }).snapshot()).toEqual(q.snapshot());
  });

  it('ignores a torn last line, and cuts it off before appending again', async () => {
    const log = await EventLog.open(file);
    const q = await liveQueueLoggingTo(log);
    await log.close();
    await appendFile(file, '{"event":"transition","ts":5000,"task":"a","orc');
    expect(replay(await readEvents(file), { clock }).snapshot()).toEqual(q.snapshot());

    const again = await EventLog.open(file);
    const later = { now: () => 5_000 + 30_000 };
    const resumed = TaskQueue.fromEvents(await readEvents(file), { clock: later, onEvent: (e) => void again.append(e) });
    expect(resumed.ready().map((t) => t.id)).toEqual(['a']);
    resumed.assign('a', 'bob');
    await again.close();
    const events = await readEvents(file);
    expect(events.at(-1)).toMatchObject({ task: 'a', to: 'assigned', orchestrator: 'bob' });
    expect(replay(events, { clock }).snapshot()).toEqual(resumed.snapshot());
  });

  it('reports a damaged line in the middle with its line number', async () => {
    const log = await EventLog.open(file);
    await liveQueueLoggingTo(log);
    await log.close();
    await appendFile(file, 'garbage\n{"event":"added"}\n');
    const n = (await readFile(file, 'utf8')).split('\n').length - 2;
    await expect(readEvents(file)).rejects.toThrow(CorruptEventLogError);
    await expect(readEvents(file)).rejects.toThrow(`events.jsonl:${n}: not a task event`);
  });

  it('reads a missing log as empty', async () => {
    expect(await readEvents(join(dir, 'nope.jsonl'))).toEqual([]);
  });

  it('refuses a log whose transitions do not follow', () => {
    const events: TaskEvent[] = [];
    const live = new TaskQueue({ clock, onEvent: (e) => events.push(e) });
    live.add(def('a'));
    const bad: TaskEvent = { event: 'transition', ts: 1, task: 'a', orchestrator: 'ann', from: 'pending', to: 'done', attempt: 1 };
    expect(() => replay([...events, bad], { clock })).toThrow('moves it from pending, but it is ready');
  });
});
