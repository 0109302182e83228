import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkoutTestSlot, removeTestSlot } from '../git/test-slot.js';
import { runSetup } from '../git/setup.js';
import type { TestOutcome } from './entry.js';

export interface TestPoolOptions {
  repo: string;
  /** Where the slots' worktrees go (beside the orchestrators'). */
  worktreesDir: string;
  /** The run's merge state: logs per attempt, setup logs per slot. */
  stateDir: string;
  size: number;
  command: string;
  timeoutMs: number;
  setup: { copy: string[]; run: string[] };
  redact?: (text: string) => string;
}

/** Lines of output kept for the agent's feedback. */
export const TAIL_LINES = 60;
const KILL_GRACE_MS = 5_000;

/** A slot's folder: "_" cannot start an orchestrator's name, so the two never meet. */
export const slotPath = (worktreesDir: string, n: number): string => join(worktreesDir, `_merge-${n}`);

/**
 * Detached test worktrees, reused: each test checks out its candidate in a free
 * slot (the mission's setup steps ran there once, when the slot was made) and
 * runs the test command with a timeout, its output in a log of its own.
 */
export class TestPool {
  private readonly free: number[];
  private readonly waiting: ((slot: number) => void)[] = [];

  constructor(private readonly o: TestPoolOptions) {
    this.free = Array.from({ length: o.size }, (_v, i) => i + 1);
  }

  run(req: { commit: string; tasks: string[]; attempt: number }): { result: Promise<TestOutcome>; cancel: () => void } {
    let cancelled = false;
    let kill: (() => void) | undefined;
    const result = (async () => {
      const slot = await this.acquire();
      try {
        if (cancelled) return cancelledOutcome();
        return await this.runIn(slot, req, (k) => (kill = k), () => cancelled);
      } finally {
        this.release(slot);
      }
    })();
    return {
      result,
      cancel: () => {
        cancelled = true;
        kill?.();
      },
    };
  }

  /** Stop tests a killed supervisor left running in the slots. */
  async reapLeftovers(): Promise<void> {
    for (let n = 1; n <= this.o.size; n++) {
      const pidFile = join(this.o.stateDir, `slot-${n}.pid`);
      const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
      if (pid > 0) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await rm(pidFile, { force: true });
    }
  }

  /** Remove every slot (down). */
  async removeAll(): Promise<void> {
    for (let n = 1; n <= this.o.size; n++) await removeTestSlot(this.o.repo, slotPath(this.o.worktreesDir, n));
  }

  private acquire(): Promise<number> {
    const slot = this.free.shift();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: number): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }

  private async runIn(slot: number, req: { commit: string; tasks: string[]; attempt: number }, onKill: (kill: () => void) => void, cancelled: () => boolean): Promise<TestOutcome> {
    const started = Date.now();
    const path = slotPath(this.o.worktreesDir, slot);
    const ready = join(this.o.stateDir, `slot-${slot}.ready`);
    await checkoutTestSlot(this.o.repo, path, req.commit);
    if (!existsSync(ready)) {
      const setupLog = join(this.o.stateDir, `slot-${slot}-setup.log`);
      const setup = await runSetup({ repo: this.o.repo, worktree: path, copy: this.o.setup.copy, run: this.o.setup.run, logFile: setupLog, redact: this.o.redact });
      if (!setup.ok) {
        const why = `the setup of test slot ${slot} failed at "${setup.failed!.step}" (exit ${setup.failed!.exitCode}); see ${setupLog}`;
        return { passed: false, summary: why, log: setupLog, tail: [], ms: Date.now() - started, infra: why };
      }
      await writeFile(ready, `${new Date().toISOString()}\n`, { mode: 0o600 });
    }
    if (cancelled()) return cancelledOutcome();
    const logs = join(this.o.stateDir, 'logs');
    await mkdir(logs, { recursive: true, mode: 0o700 });
    const name = `${req.tasks[0]}${req.tasks.length > 1 ? `+${req.tasks.length - 1}` : ''}-${req.commit.slice(0, 10)}-${req.attempt}.log`;
    const log = join(logs, name);
    const fh = await open(log, 'w', 0o600);
    await fh.write(`$ ${this.o.command}\n# candidate ${req.commit} (${req.tasks.join(', ')}), attempt ${req.attempt}, in ${path}\n`);
    // Its own process group, so a timeout or a cancel stops everything the test started.
    const spawnedAt = Date.now();
    const child = spawn('sh', ['-c', this.o.command], {
      cwd: path,
      detached: true,
      stdio: ['ignore', fh.fd, fh.fd],
      env: { ...process.env, FLOTILLA_MERGE_CANDIDATE: req.commit, FLOTILLA_MERGE_TASKS: req.tasks.join(' ') },
    });
    // Listened to at once: a quick test can exit while the pid file below is written.
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('exit', (c, s) => resolve({ code: c, signal: s }));
      child.on('error', () => resolve({ code: 127, signal: null }));
    });
    let timedOut = false;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS).unref();
    };
    onKill(stop);
    // A supervisor killed outright leaves the test running: the next one stops it (reapLeftovers).
    const pidFile = join(this.o.stateDir, `slot-${slot}.pid`);
    if (child.pid) await writeFile(pidFile, `${child.pid}\n`, { mode: 0o600 }).catch(() => undefined);
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, this.o.timeoutMs);
    const { code, signal } = await exited;
    clearTimeout(timer);
    await rm(pidFile, { force: true });
    const ms = Date.now() - spawnedAt;
    const summary = timedOut ? `timed out after ${Math.round(this.o.timeoutMs / 1000)} s` : signal ? `killed by ${signal}` : `exit ${code}`;
    await fh.write(`\n# ${summary} after ${(ms / 1000).toFixed(1)} s\n`);
    await fh.close();
    if (cancelled()) return cancelledOutcome();
    const text = await readFile(log, 'utf8');
    const body = text.split('\n').slice(2, -3);
    const tail = (this.o.redact ? body.map(this.o.redact) : body).slice(-TAIL_LINES);
    return { passed: code === 0 && !timedOut, summary, log, tail, ms };
  }
}

function cancelledOutcome(): TestOutcome {
  return { passed: false, summary: 'called off', log: '', tail: [], ms: 0 };
}
