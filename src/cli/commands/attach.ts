import { FlotillaError } from '../../core/errors.js';
import { sessionName } from '../../core/paths.js';
import { resolveMission } from '../resolve-mission.js';

/**
 * Attach this terminal to the mission's session. From a pane of the same tmux
 * server the client is switched instead; from a pane of another server, the
 * commands that would work are printed and nothing is done.
 */
export async function run(mission: string | undefined, opts: { socket?: string }): Promise<number> {
  const ref = await resolveMission(mission, opts);
  const { TmuxServer } = await import('../../tmux/server.js');
  const server = new TmuxServer(ref.socket);
  const session = sessionName(ref.name);
  if (!(await server.hasSession(session))) throw new FlotillaError({ reason: 'not-running', mission: ref.name });
  const where = await server.whereAmI();
  if (where === 'inside-other') throw new FlotillaError({ reason: 'inside-other-tmux', session, attach: server.attachCommand(session) });
  return server.attachInteractive(session, where === 'inside');
}
