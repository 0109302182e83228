import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small tmpfs of the test's own, to run out of space on for real. Mounting
 * needs root (CI runs as root); where it cannot be mounted, `canMount` is
 * false and the tests that need it say so by being skipped.
 */
export interface TinyDisk {
  dir: string;
  /**
   * Fill every free byte (a file `filler`), and keep it full: a page freed by
   * a rewrite (a heartbeat, the registry) is taken again within 50 ms. `free`
   * stops that and removes the filler.
   */
  fill(): void;
  free(): void;
  unmount(): void;
}

export const canMount: boolean = (() => {
  if (process.getuid?.() !== 0) return false;
  try {
    const disk = mountTinyDisk(64);
    disk.unmount();
    return true;
  } catch {
    return false;
  }
})();

export function mountTinyDisk(kb: number): TinyDisk {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  const filler = join(dir, 'filler');
  let keeper: NodeJS.Timeout | undefined;
  const chunk = Buffer.alloc(4096);
  const top = () => {
    try {
      for (let i = 0; i <= kb / 4; i++) appendFileSync(filler, chunk);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    }
  };
  return {
    dir,
    fill: () => {
      top();
      keeper ??= setInterval(top, 50);
    },
    free: () => {
      clearInterval(keeper);
      keeper = undefined;
      rmSync(filler, { force: true });
    },
    unmount: () => {
      clearInterval(keeper);
      // Lazy: a process that still has a file open there (a late hook) does not keep the test from finishing.
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
