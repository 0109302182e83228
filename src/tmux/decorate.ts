import { STATUS_BAR } from '../mission/palette.js';
import type { Fleet, FleetSpec, PaneSpec } from './fleet.js';
import { exactSession } from './server.js';

/**
 * Colours, titles and Flotilla's per-pane options, as tmux commands for one
 * chained invocation. Everything is scoped to this session's panes and
 * windows: nothing global, so other sessions and ~/.tmux.conf are untouched.
 */
export const BORDER_FORMAT =
  '#{?@flotilla_name,#[fg=#{@flotilla_color}#,bold] #{@flotilla_index} #{@flotilla_name} · #{@flotilla_role} · #{@flotilla_state} #[default],#[bold] flotilla · status #[default]}';

export const KEY_TABLE = 'flotilla';

/** The status bar's own style, so orchestrator names in their colours read the same whatever the user's theme. */
export const STATUS_STYLE = `bg=${STATUS_BAR.bg},fg=${STATUS_BAR.fg}`;

export function decorateCommands(spec: FleetSpec, fleet: Fleet, windows: { target: string; agents: PaneSpec[] }[]): string[][] {
  const session = exactSession(spec.session);
  const cmds: string[][] = [
    ['set-option', '-t', `${session}:`, 'key-table', KEY_TABLE],
    ['set-option', '-t', `${session}:`, '@flotilla_layout', spec.layout.name],
    ['set-option', '-t', `${session}:`, 'status-left', `#[bold] ⚓ #{s/^flotilla-//:session_name} #[default]`],
    ['set-option', '-t', `${session}:`, 'status-left-length', '40'],
    ['set-option', '-t', `${session}:`, 'status-style', STATUS_STYLE],
  ];
  const ordered = spec.panes.filter((p) => fleet.panes.has(p.name));
  ordered.forEach((agent, i) => {
    const id = fleet.panes.get(agent.name)!;
    const next = fleet.panes.get(ordered[(i + 1) % ordered.length]!.name)!;
    const prev = fleet.panes.get(ordered[(i - 1 + ordered.length) % ordered.length]!.name)!;
    cmds.push(...paneCommands(id, agent, next, prev, spec.backgrounds?.get(agent.name)));
    if (agent.index < 9) cmds.push(['set-option', '-t', `${session}:`, `@flotilla_pane_${agent.index + 1}`, id]);
  });
  for (const w of windows) {
    cmds.push(...windowCommands(w.target));
    cmds.push(...windowStatusCommands(w.target, w.agents));
  }
  if (fleet.statusPane) {
    cmds.push(['set-option', '-p', '-t', fleet.statusPane, 'remain-on-exit', 'on']);
    cmds.push(['select-pane', '-t', fleet.statusPane, '-T', 'flotilla status']);
    cmds.push(['set-option', '-t', `${session}:`, '@flotilla_status', fleet.statusPane]);
  }
  return cmds;
}

function paneCommands(id: string, agent: PaneSpec, next: string, prev: string, background?: string): string[][] {
  const set = (option: string, value: string) => ['set-option', '-p', '-t', id, option, value];
  const cmds = [
    set('@flotilla_name', agent.name),
    set('@flotilla_role', agent.role),
    set('@flotilla_color', agent.color),
    set('@flotilla_index', String(agent.index + 1)),
    set('@flotilla_next', next),
    set('@flotilla_prev', prev),
    set('remain-on-exit', 'on'),
    ['select-pane', '-t', id, '-T', `${agent.name} · ${agent.role}`],
  ];
  if (background) cmds.push(set('window-style', `bg=${background}`));
  return cmds;
}

/** Window options: the border title carries each pane's colour, name, role and state. */
export function windowCommands(windowId: string): string[][] {
  const set = (option: string, value: string) => ['set-option', '-w', '-t', windowId, option, value];
  return [
    set('pane-border-status', 'top'),
    set('pane-border-format', BORDER_FORMAT),
    set('automatic-rename', 'off'),
    set('allow-rename', 'off'),
  ];
}

/** A window's status-bar entry: each orchestrator's name in its colour. */
export function windowStatusCommands(windowTarget: string, agents: { name: string; color: string }[]): string[][] {
  const names = agents.map((a) => `#[fg=${a.color}]${a.name}#[default]`).join(' ');
  const label = agents.length > 0 ? names : 'status';
  const set = (option: string, value: string) => ['set-option', '-w', '-t', windowTarget, option, value];
  // Window options, not session ones: a user's global window-status-current-style (bg=red, say) would
  // otherwise sit under the coloured names. #[default] in a label returns to these styles.
  return [
    set('window-status-style', STATUS_STYLE),
    set('window-status-last-style', STATUS_STYLE),
    set('window-status-current-style', `${STATUS_STYLE},bold`),
    set('window-status-format', ` #I ${label} `),
    set('window-status-current-format', `#[reverse] #I #[noreverse] ${label} `),
  ];
}

/** The state shown in a pane's border title. */
export function stateCommand(paneId: string, state: string): string[] {
  return ['set-option', '-p', '-t', paneId, '@flotilla_state', state];
}
