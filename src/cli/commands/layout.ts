import { FlotillaError } from '../../core/errors.js';
import { print } from '../../core/output.js';
import { sessionName, tmuxSocket } from '../../core/paths.js';
import { resolveMission } from '../resolve-mission.js';

/** `flotilla layout tabs|grid|toggle`: also what the Alt-t key runs. */
export async function run(mode: string, mission: string | undefined, opts: { session?: string; socket?: string }): Promise<number> {
  if (mode !== 'tabs' && mode !== 'grid' && mode !== 'toggle') {
    throw new FlotillaError({ reason: 'usage', message: `layout must be tabs, grid or toggle, not "${mode}"` });
  }
  const session = opts.session ?? sessionName((await resolveMission(mission, opts)).name);
  const { TmuxServer } = await import('../../tmux/server.js');
  const { rearrange } = await import('../../tmux/rearrange.js');
  const server = new TmuxServer(tmuxSocket(opts.socket));
  if (!(await server.hasSession(session))) throw new FlotillaError({ reason: 'usage', message: `no tmux session "${session}"` });
  print(`${session}: ${await rearrange(server, session, mode)}`);
  return 0;
}
