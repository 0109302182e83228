/**
 * The environment every pane's agent starts with. Anything the agent runs
 * (its hooks, `flotilla heartbeat`, `flotilla done`) finds its mission,
 * orchestrator and supervisor from these variables.
 */
export interface AgentEnv {
  FLOTILLA_MISSION: string;
  FLOTILLA_ORCHESTRATOR: string;
  FLOTILLA_HOME: string;
  FLOTILLA_CONTROL_SOCKET: string;
  FLOTILLA_HEARTBEAT_FILE: string;
  FLOTILLA_BIN: string;
  FLOTILLA_TMUX_SOCKET?: string;
}

export interface PaneIdentity {
  mission: string;
  orchestrator: string;
  home: string;
  controlSocket: string;
  heartbeatFile: string;
  tmuxSocket: string | undefined;
}

/** The pane identity from the environment, or undefined outside a Flotilla pane. */
export function paneIdentity(env: NodeJS.ProcessEnv = process.env): PaneIdentity | undefined {
  const { FLOTILLA_MISSION, FLOTILLA_ORCHESTRATOR, FLOTILLA_HOME, FLOTILLA_CONTROL_SOCKET, FLOTILLA_HEARTBEAT_FILE } = env;
  if (!FLOTILLA_MISSION || !FLOTILLA_ORCHESTRATOR || !FLOTILLA_HOME || !FLOTILLA_HEARTBEAT_FILE) return undefined;
  return {
    mission: FLOTILLA_MISSION,
    orchestrator: FLOTILLA_ORCHESTRATOR,
    home: FLOTILLA_HOME,
    controlSocket: FLOTILLA_CONTROL_SOCKET ?? '',
    heartbeatFile: FLOTILLA_HEARTBEAT_FILE,
    tmuxSocket: env.FLOTILLA_TMUX_SOCKET || undefined,
  };
}
