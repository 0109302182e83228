import { FlotillaError } from '../../core/errors.js';
import { bold, paint, print, printJson } from '../../core/output.js';
import type { MissionStatus } from '../../supervisor/status.js';
import { resolveMission } from '../resolve-mission.js';
import { readStatus } from '../read-status.js';

export async function run(mission: string | undefined, opts: { json?: boolean; socket?: string }): Promise<number> {
  const ref = await resolveMission(mission, opts);
  const status = await readStatus(ref);
  if (!status) throw new FlotillaError({ reason: 'not-running', mission: ref.name });
  if (opts.json) printJson(status);
  else printHuman(status);
  return 0;
}

function printHuman(s: MissionStatus): void {
  const sup = s.supervisor.alive ? `supervisor pid ${s.supervisor.pid}, up ${s.supervisor.uptime_s}s${s.paused ? ', PAUSED' : ''}` : 'supervisor NOT RUNNING (run "flotilla up" to adopt the session)';
  print(`${bold(`mission ${s.mission}`)}  tmux session ${s.session}${s.socket ? ` (tmux -L ${s.socket})` : ''}  ${sup}`);
  const rows = s.orchestrators.map((o) => [
    paint(o.name, o.color),
    o.role,
    o.state + (o.state !== 'dead' ? '' : o.exit_signal !== null ? ` (signal ${o.exit_signal})` : ` (exit ${o.exit_status ?? '?'})`),
    o.heartbeat_age_s === null ? '-' : `${o.heartbeat_age_s}s${o.heartbeat_stale ? ' (stale)' : ''}`,
    o.pane ?? '-',
    o.branch,
  ]);
  const header = ['ORCHESTRATOR', 'ROLE', 'STATE', 'HEARTBEAT', 'PANE', 'BRANCH'];
  const plain = (t: string) => t.replace(/\x1b\[[0-9;]*m/g, '');
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => plain(r[i]!).length)));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - plain(c).length)).join('  ');
  print(line(header));
  for (const r of rows) print(line(r));
}
