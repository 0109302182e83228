import { FlotillaError } from '../../core/errors.js';
import { print } from '../../core/output.js';
import { requestControl } from '../../supervisor/control-protocol.js';
import { resolveMission, runningEntry } from '../resolve-mission.js';

/** pause / resume: ask the running supervisor over its control socket. */
export async function run(verb: 'pause' | 'resume', mission: string | undefined, opts: { socket?: string }): Promise<number> {
  const ref = await resolveMission(mission, opts);
  const entry = await runningEntry(ref);
  if (!entry) throw new FlotillaError({ reason: 'not-running', mission: ref.name });
  const reply = await requestControl(entry.controlSocket, { cmd: verb }).catch((err: Error) => {
    throw new FlotillaError({ reason: 'supervisor-unreachable', mission: ref.name, detail: err.message });
  });
  if (!reply.ok) throw new FlotillaError({ reason: 'supervisor-unreachable', mission: ref.name, detail: reply.error });
  print(`mission ${ref.name}: ${verb === 'pause' ? 'paused' : 'resumed'}`);
  return 0;
}
