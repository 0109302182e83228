import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog, readEvents } from '../../src/tasks/event-log.js';
import type { TaskEvent } from '../../src/tasks/events.js';
import { canMount, mountTinyDisk, type TinyDisk } from '../helpers/tiny-disk.js';

/** On a disk that fills up, the task log keeps only whole lines, and every event, in order, once there is room again. */
let disk: TinyDisk | undefined;
afterEach(() => {
  disk?.unmount();
  disk = undefined;
});

const event = (i: number): TaskEvent => ({ event: 'transition', ts: i, task: `t${i}`, orchestrator: 'o1', from: 'ready', to: 'assigned', attempt: 0, reason: 'x'.repeat(300) });
const tasks = async (file: string) => (await readEvents(file)).map((e) => e.task);
const upTo = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);

describe.runIf(canMount)('the event log on a full disk', () => {
  it('a failed write leaves only whole lines; the events held meanwhile are written, in order, once there is room', async () => {
    disk = mountTinyDisk(64);
    const file = join(disk.dir, 'events.jsonl');
    const log = await EventLog.open(file, { fsync: false });
    await log.append(event(0));
    disk.fill();
    // The file's last page still has room for a few; then the disk is full.
    let failedAt = -1;
    for (let i = 1; i < 100 && failedAt < 0; i++) {
      await log.append(event(i)).catch((err: NodeJS.ErrnoException) => {
        expect(err.code).toBe('ENOSPC');
        expect(err.path).toBe(file);
        failedAt = i;
      });
    }
    expect(failedAt).toBeGreaterThan(0);
    // More while full: held, not lost, and not on disk as half lines.
    for (let i = failedAt + 1; i <= failedAt + 3; i++) await expect(log.append(event(i))).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(log.sync()).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(log.unwritten).toBe(4);
    expect((await readFile(file, 'utf8')).endsWith('\n')).toBe(true);
    expect(await tasks(file)).toEqual(upTo(failedAt));

    disk.free();
    await log.sync();
    expect(log.unwritten).toBe(0);
    expect(await tasks(file)).toEqual(upTo(failedAt + 4));
    await log.append(event(failedAt + 4));
    await log.close();
    expect(await tasks(file)).toEqual(upTo(failedAt + 5));
  });
});
