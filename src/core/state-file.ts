import { mkdir, readFile, rename, rm, writeFile, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { naming } from './write-errors.js';

/**
 * JSON files that several processes share. Writes go to a temp file that is
 * fsynced and renamed over the target, so a crash leaves the old or the new
 * content, never half of one. Read-modify-write runs under proper-lockfile.
 */
export async function readJson<T>(file: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw err;
  }
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await removedOnFailure(file, tmp, async () => {
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  });
}

/** A write that fails (a full disk) leaves no temp file behind: the old content stays, and nothing else. */
async function removedOnFailure(file: string, tmp: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw naming(err, file);
  }
}

/** Run `fn` with an exclusive lock on `file` (which need not exist yet). */
export async function withLock<R>(file: string, fn: () => Promise<R>): Promise<R> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // realpath: false lets us lock a file that does not exist yet (the lock is a sibling directory).
  // Imported on first use: readers (status, ls) never lock and skip its cost.
  const { default: lockfile } = await import('proper-lockfile');
  const release = await lockfile.lock(file, {
    realpath: false,
    stale: 10_000,
    retries: { retries: 200, factor: 1.2, minTimeout: 5, maxTimeout: 100, randomize: true },
  });
  try {
    return await fn();
  } finally {
    await release();
  }
}

/** Locked read-modify-write of a JSON file. */
export async function updateJson<T>(file: string, fallback: T, fn: (value: T) => T | Promise<T>): Promise<T> {
  return withLock(file, async () => {
    const next = await fn(await readJson(file, fallback));
    await writeJsonAtomic(file, next);
    return next;
  });
}

export async function writeTextAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await removedOnFailure(file, tmp, async () => {
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, file);
  });
}
