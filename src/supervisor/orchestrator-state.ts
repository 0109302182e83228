import type { Heartbeat } from '../signals/heartbeat.js';

/**
 * What an orchestrator's pane is doing, as shown in its border title and in
 * `flotilla status`:
 *
 *   starting ──heartbeat──▶ idle ⇄ working ⇄ waiting-for-human
 *                            (error: a turn ended by an API error; exited: the agent's session ended)
 *       │                     │
 *       └──────pane exits─────┴──▶ dead (exit N)
 *   working with no heartbeat past the threshold ─▶ stalled
 */
export type PaneState = 'starting' | 'running' | 'idle' | 'working' | 'waiting-for-human' | 'error' | 'exited' | 'stalled' | 'dead';

export const STALE_HEARTBEAT_S = 120;

const AGENT_STATES = new Set<PaneState>(['idle', 'working', 'waiting-for-human', 'error', 'exited']);

export function derivePaneState(input: {
  dead: boolean;
  heartbeat: Heartbeat | undefined;
  nowMs: number;
  startedAtMs: number;
  staleAfterS?: number;
}): PaneState {
  const staleAfterS = input.staleAfterS ?? STALE_HEARTBEAT_S;
  if (input.dead) return 'dead';
  const beat = input.heartbeat;
  if (!beat || beat.ts < input.startedAtMs) {
    return (input.nowMs - input.startedAtMs) / 1000 > staleAfterS ? 'running' : 'starting';
  }
  const state = AGENT_STATES.has(beat.state as PaneState) ? (beat.state as PaneState) : 'running';
  // An agent waiting at its prompt is quiet by design; only silence while busy is a stall.
  const busy = state === 'working' || state === 'running';
  return busy && (input.nowMs - beat.ts) / 1000 > staleAfterS ? 'stalled' : state;
}

/** The label in the pane border: the state, with the exit status when dead. */
export function stateLabel(state: PaneState, exitStatus: number | undefined, signal?: number): string {
  if (state !== 'dead') return state;
  return signal ? `dead (signal ${signal})` : `dead (exit ${exitStatus ?? '?'})`;
}
