import { rename, rm, writeFile } from 'node:fs/promises';

/** What an agent side writes to its orchestrator's heartbeat file. */
export interface Heartbeat {
  ts: number;
  pid: number;
  /** Who wrote it: a hook event name, "cli", "sim". */
  source: string;
  /** Optional agent state as the writer sees it (working, idle, waiting-for-human, ...). */
  state?: string;
  note?: string;
  /**
   * When the agent last took a prompt. Carried in every later beat, so the supervisor sees that a
   * prompt arrived even when a quick turn overwrote the 'working' beat before it was read.
   */
  lastPromptAt?: number;
  /** The agent's own session id (Claude Code's `session_id`), when its hooks report one. */
  sessionId?: string;
  /** The agent's transcript file (Claude Code's `transcript_path`), for token and cost accounting. */
  transcriptPath?: string;
}

/**
 * Write a heartbeat. One small atomic rename: cheap enough for hooks that fire
 * many times a minute, and the supervisor sees it as one file-system event.
 * The directory is never created here: if it is gone, so is the mission (a
 * late hook as its pane is killed), and nothing should bring its state back.
 */
export async function writeHeartbeat(file: string, beat: Omit<Heartbeat, 'ts' | 'pid'>): Promise<Heartbeat> {
  const full: Heartbeat = { ts: Date.now(), pid: process.pid, ...beat };
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(full), { mode: 0o600 });
    await rename(tmp, file);
  } catch (err) {
    // A full disk leaves no temp file behind (the last beat stays as it was).
    await rm(tmp, { force: true }).catch(() => undefined);
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return full;
}
