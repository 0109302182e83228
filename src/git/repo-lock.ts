/**
 * One worktree operation at a time per repository, within this process.
 * Concurrent `git worktree add`s race on .git/worktrees (seen here: "failed to
 * read .git/worktrees/<name>/commondir" about a sibling still being created),
 * and an add costs ~12 ms, so serialising them is cheap and removes the race.
 */
const tails = new Map<string, Promise<unknown>>();

export async function withRepoLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(fn);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
