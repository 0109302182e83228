/**
 * What a Claude Code hook event says about the agent's state. Pure and
 * dependency-free: `flotilla hook` imports it on every event, many times a
 * minute, so it must cost nothing to load.
 */

/** The hook events Flotilla installs, in the order a session meets them. */
export const CLAUDE_HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'Notification',
  'Stop',
  'StopFailure',
  'SessionEnd',
] as const;

export type ClaudeHookEvent = (typeof CLAUDE_HOOK_EVENTS)[number];

/** An agent's state as its hooks report it. */
export type HookAgentState = 'working' | 'idle' | 'waiting-for-human' | 'error' | 'exited';

export interface HookReading {
  /** Undefined when the event says nothing about the state (an unknown notification type). */
  state: HookAgentState | undefined;
  sessionId: string | undefined;
  transcriptPath: string | undefined;
  /** What Claude says it needs ("Claude needs your permission to use Bash"), with waiting-for-human. */
  message?: string;
}

export function isClaudeHookEvent(name: string): name is ClaudeHookEvent {
  return (CLAUDE_HOOK_EVENTS as readonly string[]).includes(name);
}

/** Map one hook event and its parsed stdin JSON (anything: it comes from outside) to a state. */
export function readHookEvent(event: ClaudeHookEvent, input: unknown): HookReading {
  const data = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  const state = stateFor(event, data);
  const message = state === 'waiting-for-human' ? nonEmptyString(data.message)?.slice(0, 300) : undefined;
  return {
    state,
    sessionId: nonEmptyString(data.session_id),
    transcriptPath: nonEmptyString(data.transcript_path),
    ...(message ? { message } : {}),
  };
}

function stateFor(event: ClaudeHookEvent, data: Record<string, unknown>): HookAgentState | undefined {
  switch (event) {
    case 'SessionStart':
    case 'Stop':
      return 'idle';
    case 'UserPromptSubmit':
    case 'PreToolUse':
    case 'PostToolUse':
      return 'working';
    case 'Notification':
      switch (data.notification_type) {
        case 'permission_prompt':
        case 'elicitation_dialog':
          return 'waiting-for-human';
        case 'idle_prompt':
          return 'idle';
        default:
          // auth_success, types added later: no claim about the state.
          return undefined;
      }
    case 'StopFailure':
      return 'error';
    case 'SessionEnd':
      return 'exited';
  }
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
