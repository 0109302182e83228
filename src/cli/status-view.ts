import { readFile } from 'node:fs/promises';
import { bold, paint, print } from '../core/output.js';
import type { MissionStatus } from '../supervisor/status.js';
import { progressBar } from '../tasks/progress.js';
import { attachHint, meaningfulLines } from '../supervisor/attention.js';

/** `flotilla status` for a person: the orchestrators' table, what needs you, the tasks and the latest events. */
export async function printStatus(s: MissionStatus, eventsFile: string): Promise<void> {
  printHuman(s);
  printTasks(s, await latestEvents(eventsFile, 5));
}

function printHuman(s: MissionStatus): void {
  const sup = s.supervisor.alive ? `supervisor pid ${s.supervisor.pid}, up ${s.supervisor.uptime_s}s${s.paused ? ', PAUSED' : ''}` : 'supervisor NOT RUNNING (run "flotilla up" to adopt the session)';
  print(`${bold(`mission ${s.mission}`)}  tmux session ${s.session}${s.socket ? ` (tmux -L ${s.socket})` : ''}  ${sup}`);
  if (s.write_problem) print(`${paint('cannot write state', '#f43f5e')} since ${s.write_problem.since.slice(11, 19)}: ${s.write_problem.message}. No task starts until there is room again; agents' reports wait for it.`);
  const rows = s.orchestrators.map((o) => [
    paint(o.name, o.color),
    o.role,
    o.state + (o.state !== 'dead' ? '' : o.exit_signal !== null ? ` (signal ${o.exit_signal})` : ` (exit ${o.exit_status ?? '?'})`),
    o.heartbeat_age_s === null ? '-' : `${o.heartbeat_age_s}s${o.heartbeat_stale ? ' (stale)' : ''}`,
    o.offline ? `OFFLINE (${o.crashes} crashes)` : o.setup_failure ? 'SETUP FAILED' : (o.task ?? '-'),
    o.pane ?? '-',
    o.branch,
  ]);
  const header = ['ORCHESTRATOR', 'ROLE', 'STATE', 'HEARTBEAT', 'TASK', 'PANE', 'BRANCH'];
  const plain = (t: string) => t.replace(/\x1b\[[0-9;]*m/g, '');
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => plain(r[i]!).length)));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - plain(c).length)).join('  ');
  print(line(header));
  for (const r of rows) print(line(r));
  // What needs a person, and why an agent died, under the table where it cannot be missed.
  for (const o of s.orchestrators) {
    if (o.waiting) print(`${paint('waiting for you', '#f59e0b')}: ${paint(o.name, o.color)} — "${o.waiting.question}" since ${o.waiting.since.slice(11, 19)} — attach: ${attachHint(s.socket ? ['-L', s.socket] : [], s.session, o.pane ?? undefined)}`);
    if (o.setup_failure) print(`${paint('setup failed', '#f43f5e')}: ${paint(o.name, o.color)} — ${o.setup_failure.step}; it takes no tasks. Read ${o.setup_failure.log}, fix the cause, then down and up again (setup runs again)`);
    const said = o.state === 'dead' || o.offline ? meaningfulLines(o.last_lines) : [];
    if (said.length > 0) print(`${paint(o.name, o.color)}'s screen when its agent exited: ${said.join(' / ')}`);
  }
  printMerge(s);
}

/** The merge queue in one or two lines: a hold first (it waits for you), then what waits and what landed. */
function printMerge(s: MissionStatus): void {
  const m = s.merge;
  if (!m?.enabled) return;
  if (m.held) print(`${paint('merge queue held', '#f59e0b')} since ${m.held.since.slice(11, 19)}: ${m.held.why}`);
  if (m.push?.error) print(`${paint('push refused', '#f43f5e')}: ${m.push.remote}: ${m.push.error}`);
  const waiting = m.entries.filter((e) => e.position !== null);
  const landed = m.entries.filter((e) => e.state === 'merged').length;
  const back = m.entries.filter((e) => e.state === 'changes-requested').map((e) => e.task);
  const parts = [`${waiting.length} waiting${waiting.length ? ` (${waiting.map((e) => `${e.task}${e.state === 'testing' ? ' testing' : ''}`).join(', ')})` : ''}`, `${landed} landed`];
  if (back.length) parts.push(`sent back: ${back.join(', ')}`);
  print(`${bold('merge')}  ${m.paused ? 'PAUSED · ' : ''}${parts.join(' · ')} · test: ${m.test}`);
}

function printTasks(s: MissionStatus, events: string[]): void {
  if (s.tasks.length === 0) return;
  const counts = new Map<string, number>();
  for (const t of s.tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  print('');
  print(`${bold('tasks')}  ${[...counts].map(([state, n]) => `${n} ${state}`).join(', ')}`);
  for (const st of s.streams) {
    print(`  ${st.name.padEnd(16)} ${st.phase.padEnd(12)} ${progressBar(st.done, st.total, 20)} ${st.done}/${st.total}${st.open ? '' : '  (waiting for earlier phases)'}`);
  }
  if (events.length > 0) {
    print(bold('latest events'));
    for (const e of events) print(`  ${e}`);
  }
}

/** The last few task transitions, as one line each. */
async function latestEvents(file: string, n: number): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .trim()
    .split('\n')
    .slice(-n)
    .flatMap((line) => {
      try {
        const e = JSON.parse(line) as { ts: number; task: string; orchestrator: string | null; from: string | null; to: string; question?: string };
        return [`${new Date(e.ts).toISOString().slice(11, 19)}  ${(e.orchestrator ?? '-').padEnd(12)} ${e.task}: ${e.from ?? 'new'} -> ${e.to}${e.question ? `  "${e.question}"` : ''}`];
      } catch {
        return [];
      }
    });
}
