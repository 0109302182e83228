import type { Layout } from '../layout/catalog.js';
import { groupIntoWindows } from '../layout/catalog.js';
import { paneFormat, parsePanes, type PaneInfo } from './format.js';
import { exactSession, type TmuxServer } from './server.js';
import { decorateCommands } from './decorate.js';
import { DEFAULT_WINDOW_SIZE, type WindowSize } from './window-size.js';

/** One orchestrator's pane: what runs in it, where, and how it looks. */
export interface PaneSpec {
  name: string;
  /** 0-based position in the mission; keys jump to index + 1. */
  index: number;
  role: string;
  color: string;
  cwd: string;
  env: Record<string, string>;
  argv: string[];
}

export interface FleetSpec {
  session: string;
  layout: Layout;
  status: { argv: string[]; cwd: string };
  panes: PaneSpec[];
  /** #rrggbb background per pane name, when the mission asks for tinted panes. */
  backgrounds?: Map<string, string>;
  /** The windows' size when the session is created: the attaching client's (see window-size.ts). */
  size?: WindowSize;
}

export interface WindowPlan {
  name: string;
  status: boolean;
  agents: PaneSpec[];
}

export interface Fleet {
  created: boolean;
  statusPane: string | undefined;
  /** orchestrator name -> tmux pane id */
  panes: Map<string, string>;
}

/** Which windows a layout makes: status first (as a window or a pane), then agents grouped per window. */
export function planWindows(layout: Layout, panes: PaneSpec[]): WindowPlan[] {
  const groups = groupIntoWindows(layout, panes);
  const windows: WindowPlan[] = groups.map((agents) => ({ name: windowName(agents), status: false, agents }));
  if (layout.status === 'window') windows.unshift({ name: 'status', status: true, agents: [] });
  if (layout.status === 'pane') {
    if (windows.length === 0) windows.push({ name: 'fleet', status: true, agents: [] });
    else windows[0] = { ...windows[0]!, name: 'fleet', status: true };
  }
  return windows;
}

export function windowName(agents: { name: string }[]): string {
  return agents.map((a) => a.name).join('+') || 'agents';
}

export async function listPanes(server: TmuxServer, session: string): Promise<PaneInfo[]> {
  const out = await server.tryRun(['list-panes', '-s', '-t', exactSession(session), '-F', paneFormat()]);
  return out === undefined ? [] : parsePanes(out);
}

/**
 * Build the session, or adopt it when it already exists (after a supervisor
 * restart): panes that are there are kept, only missing ones are created.
 * Creation is one chained tmux invocation, decoration a second one.
 */
export async function bringUp(server: TmuxServer, spec: FleetSpec): Promise<Fleet> {
  const existing = await listPanes(server, spec.session);
  const made = existing.length > 0 ? await adopt(server, spec, existing) : await create(server, spec);
  // A new session's panes said where they are as they were made; an adopted one is listed again.
  const placed = made.placed ?? (await listPanes(server, spec.session));
  const fleet: Fleet = { created: made.created, statusPane: made.statusPane, panes: made.panes };
  await server.chain(decorateCommands(spec, fleet, windowsOf(spec, fleet, placed)));
  return fleet;
}

/** Each window (by the id of one of its panes) with the orchestrators in it, in mission order. */
export function windowsOf(spec: Pick<FleetSpec, 'panes'>, fleet: Pick<Fleet, 'panes'>, panes: Placed[]): { target: string; agents: PaneSpec[] }[] {
  const byWindow = new Map<string, { target: string; agents: PaneSpec[] }>();
  for (const p of panes) {
    const entry = byWindow.get(p.windowId) ?? { target: p.windowId, agents: [] };
    // Match by pane id: on creation the panes carry no @flotilla_name yet.
    const agent = spec.panes.find((a) => fleet.panes.get(a.name) === p.paneId);
    if (agent) entry.agents.push(agent);
    byWindow.set(p.windowId, entry);
  }
  for (const w of byWindow.values()) w.agents.sort((a, b) => a.index - b.index);
  return [...byWindow.values()];
}

/** Where a pane is: its window. */
type Placed = Pick<PaneInfo, 'paneId' | 'windowId'>;

async function create(server: TmuxServer, spec: FleetSpec): Promise<Fleet & { placed: Placed[] }> {
  const target = exactSession(spec.session);
  const commands: string[][] = [];
  const size = spec.size ?? DEFAULT_WINDOW_SIZE;
  planWindows(spec.layout, spec.panes).forEach((win, w) => {
    const winTarget = `${target}:=${win.name}`;
    const first = win.status ? { tag: 'status', cwd: spec.status.cwd, env: {}, argv: spec.status.argv } : paneLaunch(win.agents[0]!);
    const rest = win.status ? win.agents : win.agents.slice(1);
    if (w === 0) {
      commands.push(['new-session', '-d', '-s', spec.session, '-n', win.name, '-x', String(size.width), '-y', String(size.height), ...launchArgs(first)]);
    } else {
      commands.push(['new-window', '-d', '-t', `${target}:`, '-n', win.name, ...launchArgs(first)]);
    }
    // In the same command sequence, before tmux handles any child's exit: an agent that dies at
    // once (a bad flag, a missing model) keeps its pane and its last words on screen.
    commands.push(['set-option', '-w', '-t', winTarget, 'remain-on-exit', 'on']);
    // Without -d each split makes the new pane active, so the next split follows it and panes keep mission order.
    for (const agent of rest) {
      commands.push(['split-window', '-t', winTarget, ...launchArgs(paneLaunch(agent))]);
      commands.push(['select-layout', '-t', winTarget, 'tiled']);
    }
    commands.push(['select-layout', '-t', winTarget, spec.layout.arrangement]);
    if (rest.length > 0) commands.push(['select-pane', '-t', `${winTarget}.{top-left}`]);
  });
  const fleet = parseCreated(await server.chain(commands));
  return { ...fleet, created: true };
}

async function adopt(server: TmuxServer, spec: FleetSpec, existing: PaneInfo[]): Promise<Fleet & { placed?: Placed[] }> {
  const panes = new Map<string, string>();
  for (const p of existing) if (p.orchestrator) panes.set(p.orchestrator, p.paneId);
  const statusPane = existing.find((p) => !p.orchestrator)?.paneId;
  const missing = spec.panes.filter((p) => !panes.has(p.name));
  if (missing.length > 0) {
    const target = exactSession(spec.session);
    const out = await server.chain(
      missing.map((agent) => ['new-window', '-d', '-t', `${target}:`, '-n', agent.name, ...launchArgs(paneLaunch(agent))]),
    );
    for (const [name, id] of parseCreated(out).panes) panes.set(name, id);
  }
  return { created: false, statusPane, panes };
}

interface Launch {
  tag: string;
  cwd: string;
  env: Record<string, string>;
  argv: string[];
}

function paneLaunch(agent: PaneSpec): Launch {
  return { tag: agent.name, cwd: agent.cwd, env: agent.env, argv: agent.argv };
}

/**
 * The agent runs as the pane's own command, given as argv: tmux executes it
 * directly (no shell), so nothing in it is ever interpreted.
 */
function launchArgs(l: Launch): string[] {
  return ['-P', '-F', `${l.tag} #{pane_id} #{window_id}`, ...commandArgs(l.cwd, l.env, l.argv)];
}

/** `-c DIR -e K=V … argv` for new-window, split-window and respawn-pane. */
function commandArgs(cwd: string, env: Record<string, string>, argv: string[]): string[] {
  const vars = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  // tmux runs a single-word command through `sh -c`; `env CMD` keeps it an exec.
  return ['-c', cwd, ...vars, ...(argv.length === 1 ? ['env', argv[0]!] : argv)];
}

function parseCreated(stdout: string): Omit<Fleet, 'created'> & { placed: Placed[] } {
  const panes = new Map<string, string>();
  const placed: Placed[] = [];
  let statusPane: string | undefined;
  for (const line of stdout.split('\n')) {
    const [tag, id, windowId] = line.trim().split(' ');
    if (!tag || !id?.startsWith('%') || !windowId?.startsWith('@')) continue;
    placed.push({ paneId: id, windowId });
    if (tag === 'status') statusPane = id;
    else panes.set(tag, id);
  }
  return { statusPane, panes, placed };
}

/** Start an orchestrator's agent again in its own pane (same pane id, same place in the layout). */
export async function respawnPane(server: TmuxServer, paneId: string, agent: PaneSpec): Promise<void> {
  await server.run(['respawn-pane', '-k', '-t', paneId, ...commandArgs(agent.cwd, agent.env, agent.argv)]);
}
