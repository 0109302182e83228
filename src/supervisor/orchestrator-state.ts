import type { Heartbeat } from '../signals/heartbeat.js';

/**
 * What an orchestrator's pane is doing, as shown in its border title and in
 * `flotilla status`:
 *
 *   starting ──heartbeat or screen──▶ idle ⇄ working ⇄ waiting-for-human (a dialog, a limit)
 *                            (error: a turn ended by an API error; exited: the agent's session ended)
 *       │                     │
 *       └──────pane exits─────┴──▶ dead (exit N)
 *   working with no heartbeat past the threshold ─▶ stalled
 */
export type PaneState = 'starting' | 'running' | 'idle' | 'working' | 'waiting-for-human' | 'error' | 'exited' | 'stalled' | 'dead';

export const STALE_HEARTBEAT_S = 120;

const AGENT_STATES = new Set<PaneState>(['idle', 'working', 'waiting-for-human', 'error', 'exited']);

/** Screen states that mean a person must act: they count even for agents whose hooks report. */
const ATTENTION = new Set(['waiting-for-human', 'usage-limit', 'error']);

export function derivePaneState(input: {
  dead: boolean;
  heartbeat: Heartbeat | undefined;
  /** What the screen classifier last read. */
  screen?: { state: string; at: number };
  /**
   * The agent reports through hooks (Claude): its screen is only the fallback,
   * for a pane with no hook since its start (a start-up dialog) and for
   * screens that need a person (dialogs, limits, errors), which no hook
   * reports, and for the screen after one of those went away.
   */
  hooks?: boolean;
  /** Last output seen in the pane: activity too. */
  outputAt?: number;
  nowMs: number;
  startedAtMs: number;
  staleAfterS?: number;
}): PaneState {
  const staleAfterS = input.staleAfterS ?? STALE_HEARTBEAT_S;
  if (input.dead) return 'dead';
  const beat = input.heartbeat && input.heartbeat.ts >= input.startedAtMs ? { state: input.heartbeat.state, at: input.heartbeat.ts } : undefined;
  let screen = input.screen && input.screen.at >= input.startedAtMs ? { state: input.screen.state, at: input.screen.at } : undefined;
  if (input.hooks && beat && screen && !ATTENTION.has(screen.state) && !ATTENTION.has(beat.state ?? '')) screen = undefined;
  const latest = [beat, screen].filter((r) => r !== undefined).sort((a, b) => b.at - a.at)[0];
  // No sign from the agent yet: it has not reached its prompt, however long it takes.
  if (!latest) return 'starting';
  const shown = screenToPane(latest.state ?? '');
  const state = AGENT_STATES.has(shown as PaneState) ? (shown as PaneState) : 'running';
  // An agent waiting at its prompt is quiet by design; only silence while busy is a stall.
  const busy = state === 'working' || state === 'running';
  const lastSign = Math.max(beat?.at ?? 0, screen?.at ?? 0, input.outputAt ?? 0);
  return busy && (input.nowMs - lastSign) / 1000 > staleAfterS ? 'stalled' : state;
}

/** A usage limit leaves the agent waiting for a person, like a permission prompt. */
function screenToPane(state: string): string {
  return state === 'usage-limit' ? 'waiting-for-human' : state;
}

/** The label in the pane border: the state, with the exit status when dead. */
export function stateLabel(state: PaneState, exitStatus: number | undefined, signal?: number): string {
  if (state !== 'dead') return state;
  return signal ? `dead (signal ${signal})` : `dead (exit ${exitStatus ?? '?'})`;
}
