import { groupIntoWindows, loadLayout } from '../layout/catalog.js';
import { windowCommands, windowStatusCommands } from './decorate.js';
import { listPanes, windowName } from './fleet.js';
import { exactSession, type TmuxServer } from './server.js';

export type ArrangeMode = 'tabs' | 'grid';

/**
 * Move a running fleet's panes between layouts without restarting anything:
 * panes keep their ids, processes and scrollback; only windows change.
 * First every agent is broken out into its own window (tabs); grid then joins
 * them four to a window.
 */
export async function rearrange(server: TmuxServer, session: string, mode: ArrangeMode | 'toggle'): Promise<ArrangeMode> {
  const current = (await server.tryRun(['show-options', '-v', '-t', `${exactSession(session)}:`, '@flotilla_layout']))?.trim();
  const target: ArrangeMode = mode === 'toggle' ? (current === 'tabs' ? 'grid' : 'tabs') : mode;
  const before = await listPanes(server, session);
  // Breaking out or joining the pane in view takes its window away, and tmux shows another (the status
  // window, often) to every client of the session: bring the pane that was in view back at the end.
  const inView = (await server.tryRun(['display-message', '-p', '-t', `${exactSession(session)}:`, '#{pane_id}']))?.trim();
  const agents = before.filter((p) => p.orchestrator).sort((a, b) => (a.orchestratorIndex ?? 0) - (b.orchestratorIndex ?? 0));
  const perWindow = new Map<string, number>();
  for (const p of before) perWindow.set(p.windowId, (perWindow.get(p.windowId) ?? 0) + 1);

  const cmds: string[][] = [];
  for (const a of agents) {
    if ((perWindow.get(a.windowId) ?? 0) > 1) cmds.push(['break-pane', '-d', '-s', a.paneId, '-n', a.orchestrator]);
    else cmds.push(['rename-window', '-t', a.paneId, a.orchestrator]);
  }
  const groups = target === 'grid' ? groupIntoWindows(loadLayout('grid'), agents) : agents.map((a) => [a]);
  for (const group of groups) {
    const anchor = group[0]!.paneId;
    // Joining after the previous pane (not the anchor) keeps mission order.
    group.slice(1).forEach((other, i) => {
      cmds.push(['join-pane', '-d', '-s', other.paneId, '-t', group[i]!.paneId]);
      cmds.push(['select-layout', '-t', anchor, 'tiled']);
    });
    cmds.push(['rename-window', '-t', anchor, windowName(group.map((a) => ({ name: a.orchestrator })))]);
    cmds.push(...windowCommands(anchor));
    cmds.push(...windowStatusCommands(anchor, group.map((a) => ({ name: a.orchestrator, color: a.color }))));
  }
  // Put the windows back in mission order (break-pane takes the next free index): park them at
  // high indexes in order, then let tmux renumber the session.
  groups.forEach((group, i) => cmds.push(['move-window', '-d', '-s', group[0]!.paneId, '-t', `${exactSession(session)}:${1000 + i}`]));
  cmds.push(['move-window', '-r', '-t', `${exactSession(session)}:`]);
  const status = before.find((p) => !p.orchestrator);
  if (status && (perWindow.get(status.windowId) ?? 0) > 1) cmds.push(['rename-window', '-t', status.paneId, 'status']);
  cmds.push(['set-option', '-t', `${exactSession(session)}:`, '@flotilla_layout', target]);
  if (inView?.startsWith('%')) cmds.push(['select-window', '-t', inView], ['select-pane', '-t', inView]);
  await server.chain(cmds);
  return target;
}
