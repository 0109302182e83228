/**
 * An in-process readers-writer lock per key. Many holders may share a key at
 * once; an exclusive holder waits for the current sharers and blocks new ones.
 */
interface LockState {
  writer: Promise<unknown>;
  readers: Set<Promise<unknown>>;
}

const locks = new Map<string, LockState>();

function stateFor(key: string): LockState {
  let state = locks.get(key);
  if (!state) {
    state = { writer: Promise.resolve(), readers: new Set() };
    locks.set(key, state);
  }
  return state;
}

export async function withShared<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const state = stateFor(key);
  // Re-check after each wait: another writer may have queued while this one ran.
  for (;;) {
    const writer = state.writer;
    await writer.catch(() => undefined);
    if (state.writer === writer) break;
  }
  const run = fn();
  state.readers.add(run);
  try {
    return await run;
  } finally {
    state.readers.delete(run);
  }
}

export async function withExclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const state = stateFor(key);
  const previous = state.writer;
  const readers = [...state.readers];
  const run = (async () => {
    await previous.catch(() => undefined);
    await Promise.allSettled(readers);
    return fn();
  })();
  state.writer = run;
  return run;
}
