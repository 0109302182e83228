import { FlotillaError } from '../../core/errors.js';
import { sessionName } from '../../core/paths.js';
import { resolveMission } from '../resolve-mission.js';

/** Attach this terminal to the mission's session (switch-client when already inside that tmux server). */
export async function run(mission: string | undefined, opts: { socket?: string }): Promise<number> {
  const ref = await resolveMission(mission, opts);
  const { TmuxServer } = await import('../../tmux/server.js');
  const server = new TmuxServer(ref.socket);
  const session = sessionName(ref.name);
  if (!(await server.hasSession(session))) throw new FlotillaError({ reason: 'not-running', mission: ref.name });
  return server.attachInteractive(session, Boolean(process.env.TMUX) && !ref.socket);
}
