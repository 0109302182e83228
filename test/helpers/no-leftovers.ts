import { readFileSync, readdirSync } from 'node:fs';

/**
 * Global setup and teardown of the suite: after the last test, no process
 * started by a test may be left. Setup puts a mark of this run in the
 * environment, which the test workers and everything they start inherit
 * (tmux servers, supervisors, agents); at the end, processes carrying it are
 * listed, killed, and fail the run. Another run on the same machine has
 * another mark, so its processes are left alone.
 */
const MARK = `FLOTILLA_TEST_RUN=${process.pid}-${Date.now()}`;

function ours(pid: number): string | undefined {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    if (!environ.split('\0').includes(MARK)) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return undefined; // gone, or not ours to read
  }
}

function processes(): Map<number, string> {
  const found = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmd = ours(pid);
    if (cmd !== undefined) found.set(pid, cmd);
  }
  return found;
}

export function setup(): () => Promise<void> {
  process.env.FLOTILLA_TEST_RUN = MARK.slice(MARK.indexOf('=') + 1);
  return async () => {
    // A killed supervisor's children get a moment to notice their server is gone.
    let left = [...processes()];
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      left = [...processes()];
    }
    if (left.length === 0) return;
    for (const [pid] of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // vitest reports an error thrown here but still exits 0; the exit code is set by hand.
    process.exitCode = 1;
    throw new Error(`the tests left ${left.length} process(es) running (now killed):\n${left.map(([pid, cmd]) => `  ${pid} ${cmd.slice(0, 200)}`).join('\n')}`);
  };
}
