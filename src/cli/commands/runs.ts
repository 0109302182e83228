import { print, printJson } from '../../core/output.js';
import { flotillaHome } from '../../core/paths.js';
import { listRuns, runsDir } from '../../runs/run.js';

/** `flotilla runs [--json]`: the archived runs of this FLOTILLA_HOME, newest first. */
export async function run(opts: { json?: boolean }): Promise<number> {
  const home = flotillaHome();
  const runs = await listRuns(home);
  if (opts.json) {
    printJson(runs);
    return 0;
  }
  if (runs.length === 0) print('no past runs (a run is archived by "flotilla down")');
  for (const r of runs) {
    const s = r.summary;
    const counts = Object.entries(s.counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'no tasks';
    print(`${r.id}  ${r.mission.padEnd(16)} ${new Date(r.endedAt).toISOString().slice(0, 16).replace('T', ' ')}  ${counts}; wall ${(s.wallMs / 1000).toFixed(1)}s, speedup ${s.speedup.toFixed(2)}x  ${r.repo}`);
  }
  if (runs.length > 0) print(`(final tables and logs: ${runsDir(home)}/<run-id>/)`);
  return 0;
}
