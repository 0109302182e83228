import { describe, expect, it } from 'vitest';
import { withExclusive, withShared } from '../../src/git/rw-lock.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('rw-lock', () => {
  it('lets sharers run together', async () => {
    const gate = deferred();
    let running = 0;
    let most = 0;
    const task = () =>
      withShared('k1', async () => {
        running++;
        most = Math.max(most, running);
        await gate.promise;
        running--;
      });
    const all = Promise.all([task(), task(), task()]);
    await new Promise((r) => setTimeout(r, 10));
    gate.resolve();
    await all;
    expect(most).toBe(3);
  });

  it('runs an exclusive holder alone: after current sharers, before later ones', async () => {
    const events: string[] = [];
    const gate = deferred();
    const first = withShared('k2', async () => {
      events.push('shared-1 start');
      await gate.promise;
      events.push('shared-1 end');
    });
    await new Promise((r) => setTimeout(r, 0));
    const excl = withExclusive('k2', async () => {
      events.push('exclusive');
    });
    const later = withShared('k2', async () => {
      events.push('shared-2');
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual(['shared-1 start']);
    gate.resolve();
    await Promise.all([first, excl, later]);
    expect(events).toEqual(['shared-1 start', 'shared-1 end', 'exclusive', 'shared-2']);
  });

  it('keeps working after a holder throws', async () => {
    await expect(withExclusive('k3', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(withShared('k3', async () => 42)).resolves.toBe(42);
  });
});
