import { FlotillaError } from '../../core/errors.js';
import { paneIdentity } from '../../core/agent-env.js';
import { writeHeartbeat } from '../../signals/heartbeat.js';

/** Agent side: called from hooks many times a minute, so it only writes one small file. */
export async function run(opts: { state?: string; source?: string }): Promise<number> {
  const id = paneIdentity();
  if (!id) throw new FlotillaError({ reason: 'not-in-pane', command: 'heartbeat' });
  await writeHeartbeat(id.heartbeatFile, { source: opts.source ?? 'cli', state: opts.state });
  return 0;
}
