import { describe, expect, it } from 'vitest';
import { withRepoLock } from '../../src/git/repo-lock.js';

describe('withRepoLock', () => {
  it('runs holders of one key one at a time, in call order', async () => {
    const log: string[] = [];
    const hold = (name: string, ms: number) =>
      withRepoLock('repo-a', async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        return name;
      });
    expect(await Promise.all([hold('a', 30), hold('b', 5), hold('c', 1)])).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('lets different keys run at the same time', async () => {
    let inside = 0;
    let most = 0;
    const hold = (key: string) =>
      withRepoLock(key, async () => {
        most = Math.max(most, ++inside);
        await new Promise((r) => setTimeout(r, 20));
        inside--;
      });
    await Promise.all([hold('x'), hold('y'), hold('z')]);
    expect(most).toBe(3);
  });

  it('keeps working after a holder throws', async () => {
    await expect(withRepoLock('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(withRepoLock('k', async () => 42)).resolves.toBe(42);
  });
});
