import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MissionPaths } from '../core/paths.js';
import { readJson, writeJsonAtomic } from '../core/state-file.js';
import { summarizeRun, type RunSummary } from './summary.js';

/**
 * A mission's state belongs to a run: one repository, one mission name, from
 * the first `up` until `down`. `up` while a run is open carries it on (crash
 * recovery); `down` archives it to `$FLOTILLA_HOME/runs/<run-id>/` (event log,
 * supervisor log, final task table and figures), so the next `up` starts with
 * the mission's tasks fresh. A run of another repository under the same
 * mission name is archived before a new one starts: they never share state.
 *
 *   (none) ──up──▶ open ──down / up --fresh / up in another repo──▶ archived
 *                   │ ▲
 *                   └─┘ up again (supervisor restarted): adopted
 */
export interface RunInfo {
  id: string;
  mission: string;
  repo: string;
  missionFile: string;
  socket: string | null;
  startedAt: number;
  /** When every task had ended (said once: in the log and to attached clients). */
  finishedAt?: number;
}

export interface ArchivedRun extends RunInfo {
  endedAt: number;
  /** down, fresh (discarded by `up --fresh`), other-repo (the name was reused in another repository). */
  ended: 'down' | 'fresh' | 'other-repo';
  summary: RunSummary;
}

const RUN_FILE = 'run.json';

/** The open run's record (id, repository, start, finish). */
export function runFile(paths: MissionPaths): string {
  return join(paths.dir, RUN_FILE);
}
/** What belongs to a run and moves into its archive; the rest of the state dir is remade by the next up. */
const ARCHIVED = ['events.jsonl', 'supervisor.log', 'setup'];
/** Copied, not moved: a later `down --force` reads the worktrees a plain `down` kept from it. */
const COPIED = ['state.json'];
/** Removed: remade by the next up. env/ holds the agents' secrets (agent.env), which must not outlive the run. */
const LIVE = ['current', 'inbox', 'heartbeats', 'startup.json', 'env', 'roles', 'bin', RUN_FILE];

export function runsDir(home: string): string {
  return join(home, 'runs');
}

export async function openRun(paths: MissionPaths): Promise<RunInfo | undefined> {
  return readJson<RunInfo | undefined>(join(paths.dir, RUN_FILE), undefined);
}

/** A state dir with task history but no run.json was written before runs existed: it is an open run too. */
export function hasHistory(paths: MissionPaths): boolean {
  return existsSync(paths.events);
}

/** The run this supervisor carries on, or a new one (after archiving another repository's run of the same name). */
export async function beginRun(paths: MissionPaths, info: Omit<RunInfo, 'id' | 'startedAt'>, home: string, log: (m: string) => void): Promise<RunInfo> {
  const open = await openRun(paths);
  if (open && open.repo === info.repo) return open;
  if (open || hasHistory(paths)) {
    const archived = await archiveRun(paths, home, 'other-repo');
    if (archived) log(`archived run ${archived.id} of ${archived.repo}: mission "${info.mission}" now runs in ${info.repo}`);
  }
  const run: RunInfo = { ...info, id: newRunId(info.mission), startedAt: Date.now() };
  await writeJsonAtomic(join(paths.dir, RUN_FILE), run);
  return run;
}

/** Record that every task of the open run has ended. */
export async function markFinished(paths: MissionPaths, at: number): Promise<void> {
  const open = await openRun(paths);
  if (open) await writeJsonAtomic(join(paths.dir, RUN_FILE), { ...open, finishedAt: at });
}

/** A task added (or retried) after every task had ended: the run goes on, and its end is said again when it comes. */
export async function reopenRun(paths: MissionPaths): Promise<void> {
  const open = await openRun(paths);
  if (!open || open.finishedAt === undefined) return;
  const { finishedAt: _ended, ...rest } = open;
  await writeJsonAtomic(join(paths.dir, RUN_FILE), rest);
}

/** Move the run's record into runs/<id>/ with its final table; clear the live state. Undefined when there was no run. */
export async function archiveRun(paths: MissionPaths, home: string, ended: ArchivedRun['ended']): Promise<ArchivedRun | undefined> {
  const open = await openRun(paths);
  if (!open && !hasHistory(paths)) return undefined;
  const events = await readFile(paths.events, 'utf8').catch(() => '');
  const state = await readJson<{ repo?: string; mission?: string; socket?: string | null } | undefined>(paths.state, undefined);
  const info: RunInfo = open ?? { id: newRunId(state?.mission ?? 'mission'), mission: state?.mission ?? '', repo: state?.repo ?? '', missionFile: '', socket: state?.socket ?? null, startedAt: firstTs(events) };
  const summary = summarizeRun(events, open ? { startedAt: open.startedAt, finishedAt: open.finishedAt } : undefined);
  const archived: ArchivedRun = { ...info, endedAt: Date.now(), ended, summary };
  const dir = join(runsDir(home), info.id);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const name of ARCHIVED) {
    if (existsSync(join(paths.dir, name))) await rename(join(paths.dir, name), join(dir, name));
  }
  for (const name of COPIED) {
    if (existsSync(join(paths.dir, name))) await copyFile(join(paths.dir, name), join(dir, name));
  }
  await writeJsonAtomic(join(dir, 'final.json'), archived);
  await writeFile(join(dir, 'summary.txt'), summaryText(archived), { mode: 0o600 });
  for (const name of LIVE) await rm(join(paths.dir, name), { recursive: true, force: true });
  return archived;
}

/** Every archived run of this FLOTILLA_HOME, newest first. */
export async function listRuns(home: string): Promise<ArchivedRun[]> {
  const dir = runsDir(home);
  const names = await readdir(dir).catch(() => [] as string[]);
  const runs: ArchivedRun[] = [];
  for (const name of names) {
    const run = await readJson<ArchivedRun | undefined>(join(dir, name, 'final.json'), undefined).catch(() => undefined);
    if (run) runs.push(run);
  }
  return runs.sort((a, b) => b.endedAt - a.endedAt);
}

export function summaryText(run: ArchivedRun): string {
  const s = run.summary;
  const lines = [
    `run ${run.id}: mission ${run.mission} in ${run.repo}`,
    `started ${new Date(run.startedAt).toISOString()}, ended ${new Date(run.endedAt).toISOString()} (${run.ended})`,
    `${s.tasks.length} tasks: ${Object.entries(s.counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}; wall time ${(s.wallMs / 1000).toFixed(1)}s, task time ${(s.taskMs / 1000).toFixed(1)}s, speedup ${s.speedup.toFixed(2)}x`,
    '',
    ...s.tasks.map((t) => `  ${t.state.padEnd(10)} ${t.id.padEnd(24)} ${(t.orchestrator ?? '-').padEnd(12)} ${t.ms === null ? '' : `${(t.ms / 1000).toFixed(1)}s`}`),
  ];
  return `${lines.join('\n')}\n`;
}

function newRunId(mission: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${mission}-${stamp}-${randomBytes(2).toString('hex')}`;
}

function firstTs(events: string): number {
  const first = events.split('\n').find((l) => l.trim() !== '');
  try {
    return first ? (JSON.parse(first) as { ts: number }).ts : Date.now();
  } catch {
    return Date.now();
  }
}
