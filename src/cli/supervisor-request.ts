import { FlotillaError } from '../core/errors.js';
import { ControlError, requestControl, type ControlRequest } from '../supervisor/control-protocol.js';
import { resolveMission, runningEntry } from './resolve-mission.js';

/** Ask the mission's running supervisor; a refusal (bad id, unknown dep, cycle) is a usage error, exit 2. */
export async function askSupervisor(mission: string | undefined, opts: { socket?: string }, req: ControlRequest): Promise<unknown> {
  const ref = await resolveMission(mission, opts);
  const entry = await runningEntry(ref);
  if (!entry) throw new FlotillaError({ reason: 'not-running', mission: ref.name });
  const reply = await requestControl(entry.controlSocket, req).catch((err: Error) => {
    throw new FlotillaError({ reason: 'supervisor-unreachable', mission: ref.name, detail: err.message });
  });
  if (!reply.ok && reply.unwritten) throw new FlotillaError({ reason: 'not-written', mission: ref.name, detail: reply.error });
  if (!reply.ok) throw new FlotillaError({ reason: 'usage', message: reply.error });
  return reply.data;
}

/**
 * A request the supervisor remembers by its `request_id` (task add): asked
 * again until answered, for up to `windowMs`, since asking twice cannot act
 * twice. A supervisor that is busy or restarting answers a later try. When no
 * try was answered, either nothing reached it (nothing happened, say so) or
 * one did (it may have acted: "outcome unknown", with the id to retry with).
 */
export async function askAtMostOnce(
  mission: string | undefined,
  opts: { socket?: string },
  req: ControlRequest & { request_id: string },
  windowMs = 30_000,
): Promise<unknown> {
  const ref = await resolveMission(mission, opts);
  const deadline = Date.now() + windowMs;
  let reached = false;
  let last = '';
  for (let wait = 250; ; wait = Math.min(wait * 2, 2000)) {
    const entry = await runningEntry(ref);
    if (!entry && !reached) throw new FlotillaError({ reason: 'not-running', mission: ref.name });
    if (entry) {
      try {
        const reply = await requestControl(entry.controlSocket, req, Math.max(1000, Math.min(10_000, deadline - Date.now())));
        if (!reply.ok && reply.unwritten) throw new FlotillaError({ reason: 'not-written', mission: ref.name, requestId: req.request_id, detail: reply.error });
        if (!reply.ok) throw new FlotillaError({ reason: 'usage', message: reply.error });
        return reply.data;
      } catch (err) {
        if (!(err instanceof ControlError)) throw err;
        reached ||= err.sent;
        last = err.message;
      }
    }
    if (Date.now() + wait >= deadline) break;
    await new Promise((r) => setTimeout(r, wait));
  }
  if (!reached) throw new FlotillaError({ reason: 'supervisor-unreachable', mission: ref.name, detail: `${last}; nothing was done` });
  throw new FlotillaError({ reason: 'outcome-unknown', mission: ref.name, requestId: req.request_id, detail: last, seconds: Math.round(windowMs / 1000) });
}
