import { FlotillaError } from '../../core/errors.js';
import { printJson } from '../../core/output.js';
import { missionPaths } from '../../core/paths.js';
import { resolveMission } from '../resolve-mission.js';
import { readStatus } from '../read-status.js';

/** Scripts poll `status --json`: the table for people is loaded only without it. */
export async function run(mission: string | undefined, opts: { json?: boolean; socket?: string }): Promise<number> {
  const ref = await resolveMission(mission, opts);
  const status = await readStatus(ref);
  if (!status) throw new FlotillaError({ reason: 'not-running', mission: ref.name });
  if (opts.json) printJson(status);
  else await (await import('../status-view.js')).printStatus(status, missionPaths(ref.home, ref.name, ref.socket).events);
  return 0;
}
