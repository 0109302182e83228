import { describe, expect, it } from 'vitest';
import { CLAUDE_HOOK_EVENTS, isClaudeHookEvent, readHookEvent, type ClaudeHookEvent, type HookAgentState } from '../../src/agents/hook-events.js';

const base = { session_id: 'abc-123', transcript_path: '/home/dev/.claude/projects/-repo/abc-123.jsonl', cwd: '/repo' };

describe('Claude hook events → agent state', () => {
  const table: [ClaudeHookEvent, Record<string, unknown>, HookAgentState | undefined][] = [
    ['SessionStart', { source: 'startup' }, 'idle'],
    ['UserPromptSubmit', { prompt: 'do it' }, 'working'],
    ['PreToolUse', { tool_name: 'Bash' }, 'working'],
    ['PostToolUse', { tool_name: 'Bash' }, 'working'],
    ['Notification', { notification_type: 'permission_prompt', message: 'Claude needs your permission to use Bash' }, 'waiting-for-human'],
    ['Notification', { notification_type: 'elicitation_dialog', message: 'Claude has a question' }, 'waiting-for-human'],
    ['Notification', { notification_type: 'idle_prompt' }, 'idle'],
    ['Notification', { notification_type: 'auth_success' }, undefined],
    ['Notification', {}, undefined],
    ['Stop', { stop_hook_active: false }, 'idle'],
    ['StopFailure', { error: 'overloaded' }, 'error'],
    ['SessionEnd', { reason: 'prompt_input_exit' }, 'exited'],
  ];
  it.each(table)('%s %j → %s', (event, extra, state) => {
    // What Claude needs comes along with waiting-for-human: it is the question shown to the user.
    const message = state === 'waiting-for-human' ? { message: extra.message } : {};
    expect(readHookEvent(event, { ...base, hook_event_name: event, ...extra })).toEqual({
      state,
      sessionId: 'abc-123',
      transcriptPath: base.transcript_path,
      ...message,
    });
  });

  it('covers every installed event', () => {
    expect(new Set(table.map(([e]) => e))).toEqual(new Set(CLAUDE_HOOK_EVENTS));
  });

  it('tolerates payloads that are not what it expects', () => {
    expect(readHookEvent('Stop', null)).toEqual({ state: 'idle', sessionId: undefined, transcriptPath: undefined });
    expect(readHookEvent('Stop', 'text')).toEqual({ state: 'idle', sessionId: undefined, transcriptPath: undefined });
    expect(readHookEvent('Stop', { session_id: 42, transcript_path: '' })).toEqual({ state: 'idle', sessionId: undefined, transcriptPath: undefined });
  });

  it('knows its event names, case and all', () => {
    expect(isClaudeHookEvent('Stop')).toBe(true);
    expect(isClaudeHookEvent('stop')).toBe(false);
    expect(isClaudeHookEvent('PreCompact')).toBe(false);
  });
});
