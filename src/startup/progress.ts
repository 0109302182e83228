import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * How far a supervisor's bring-up has got, for `flotilla up` to show on a
 * terminal while it waits: worktrees made, setup steps run, panes built.
 * The supervisor is a detached process, so it writes this to startup.json in
 * the mission's state dir at each step; `up` reads it while it waits for the
 * supervisor to be ready, and asks the supervisor itself about the agents.
 */
export interface StartupProgress {
  /** The supervisor writing it: a file left by an earlier one is not this bring-up's. */
  pid: number;
  orchestrators: number;
  /** Worktrees created or adopted so far. */
  worktrees: number;
  /** Null when the mission has no setup steps. Setup runs in new worktrees only. */
  setup: { running: number; ok: number; failed: string[] } | null;
  /** Agent panes in the tmux session, once it is built. */
  panes: number | null;
}

export type StartupStep =
  | { step: 'worktree'; orchestrator: string; setup: boolean }
  | { step: 'setup'; orchestrator: string; ok: boolean }
  | { step: 'panes'; count: number };

export function startupFile(stateDir: string): string {
  return join(stateDir, 'startup.json');
}

export function initialProgress(pid: number, orchestrators: number, hasSetup: boolean): StartupProgress {
  return { pid, orchestrators, worktrees: 0, setup: hasSetup ? { running: 0, ok: 0, failed: [] } : null, panes: null };
}

export function applyStep(p: StartupProgress, s: StartupStep): StartupProgress {
  switch (s.step) {
    case 'worktree':
      return { ...p, worktrees: p.worktrees + 1, setup: p.setup && s.setup ? { ...p.setup, running: p.setup.running + 1 } : p.setup };
    case 'setup': {
      if (!p.setup) return p;
      const running = Math.max(0, p.setup.running - 1);
      return { ...p, setup: s.ok ? { ...p.setup, running, ok: p.setup.ok + 1 } : { ...p.setup, running, failed: [...p.setup.failed, s.orchestrator] } };
    }
    case 'panes':
      return { ...p, panes: s.count };
  }
}

/**
 * The supervisor's side: each step rewrites the file (temp file and rename, so
 * a reader never sees half of it), in order, without holding bring-up up: the
 * file is only for eyes, so no fsync, and a failed write is not an error.
 */
export class StartupProgressFile {
  private writing: Promise<void> = Promise.resolve();
  constructor(private readonly file: string, private progress: StartupProgress) {
    this.write();
  }

  step(s: StartupStep): void {
    this.progress = applyStep(this.progress, s);
    this.write();
  }

  /** Resolves when every write so far is done. */
  settled(): Promise<void> {
    return this.writing;
  }

  private write(): void {
    const text = `${JSON.stringify(this.progress)}\n`;
    const tmp = `${this.file}.${this.progress.pid}.tmp`;
    // Progress is a courtesy to `up`'s terminal: a write that fails (a full disk) is dropped, with its temp file.
    this.writing = this.writing.then(() => writeFile(tmp, text, { mode: 0o600 }).then(() => rename(tmp, this.file))).catch(() => rm(tmp, { force: true }).catch(() => undefined));
  }
}

/** The progress of supervisor `pid`, or undefined before it wrote any. */
export async function readProgress(file: string, pid: number): Promise<StartupProgress | undefined> {
  try {
    const p = JSON.parse(await readFile(file, 'utf8')) as StartupProgress;
    return p.pid === pid ? p : undefined;
  } catch {
    return undefined;
  }
}
