import { resolve } from 'node:path';
import { invokedAs } from '../../core/invoked-as.js';
import { paint, print, printJson } from '../../core/output.js';

/** `flotilla doctor [MISSION] [--json]`: the checks `up` makes before starting, each as ok or problem with its fix. Exit 2 when any fails. */
export async function run(file: string, opts: { json?: boolean; socket?: string }): Promise<number> {
  const { loadMissionOrThrow } = await import('../../mission/load.js');
  const mission = await loadMissionOrThrow(resolve(file));
  const { runPreflight, problems } = await import('../../preflight/preflight.js');
  const results = await runPreflight(mission, { invokedAs: invokedAs(), socket: opts.socket });
  const failed = problems(results);
  if (opts.json) {
    printJson({ mission: mission.name, file: mission.file, ok: failed.length === 0, checks: results });
    return failed.length === 0 ? 0 : 2;
  }
  for (const r of results) {
    print(`${r.ok ? paint('ok     ', '#10b981') : paint('problem', '#f43f5e')}  ${r.check.padEnd(14)} ${r.message}`);
    if (r.fix) print(`${' '.repeat(24)}fix: ${r.fix}`);
  }
  print(failed.length === 0 ? `${mission.name}: ready to start (${results.length} checks)` : `${mission.name}: ${failed.length} of ${results.length} checks found a problem`);
  return failed.length === 0 ? 0 : 2;
}
