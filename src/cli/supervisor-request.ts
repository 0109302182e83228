import { FlotillaError } from '../core/errors.js';
import { requestControl, type ControlRequest } from '../supervisor/control-protocol.js';
import { resolveMission, runningEntry } from './resolve-mission.js';

/** Ask the mission's running supervisor; a refusal (bad id, unknown dep, cycle) is a usage error, exit 2. */
export async function askSupervisor(mission: string | undefined, opts: { socket?: string }, req: ControlRequest): Promise<unknown> {
  const ref = await resolveMission(mission, opts);
  const entry = await runningEntry(ref);
  if (!entry) throw new FlotillaError({ reason: 'not-running', mission: ref.name });
  const reply = await requestControl(entry.controlSocket, req).catch((err: Error) => {
    throw new FlotillaError({ reason: 'supervisor-unreachable', mission: ref.name, detail: err.message });
  });
  if (!reply.ok) throw new FlotillaError({ reason: 'usage', message: reply.error });
  return reply.data;
}
