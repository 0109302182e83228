import { describe, expect, it } from 'vitest';
import { attachHint, meaningfulLines, printable, questionIn, questionOf, waitingLabel } from '../../src/supervisor/attention.js';

describe('what a waiting pane says to the user', () => {
  it('takes the question out of a long or boxed screen line', () => {
    expect(questionIn('Quick safety check: Is this a project you created or one you trust? (Like your')).toBe('Is this a project you created or one you trust?');
    expect(questionIn('│ Apply this change?   │█')).toBe('Apply this change?');
    expect(questionIn('Do you want to make this edit to src/a.ts?')).toBe('Do you want to make this edit to src/a.ts?');
    expect(questionIn("You've hit your session limit · resets 9am")).toBe("You've hit your session limit · resets 9am");
  });

  it('prefers the screen over the hook, and only a screen read since the agent started', () => {
    const hook = { ts: 2000, pid: 1, source: 'Notification', state: 'waiting-for-human', note: 'Claude needs your permission to use Bash' };
    expect(questionOf({ seenAt: 1000, heartbeat: hook, screen: { state: 'waiting-for-human', at: 2100, line: 'Do you want to proceed?' } })).toBe('Do you want to proceed?');
    expect(questionOf({ seenAt: 1000, heartbeat: hook, screen: { state: 'waiting-for-human', at: 500, line: 'old dialog?' } })).toBe('Claude needs your permission to use Bash');
    expect(questionOf({ seenAt: 1000, heartbeat: undefined, screen: undefined })).toBe('needs you (see the pane)');
  });

  it('keeps control characters and tmux formats out of titles, logs and terminals', () => {
    expect(printable('a\x1b[2Jb\r\nc\x07')).toBe('a [2Jb c');
    expect(printable('x'.repeat(300)).length).toBe(200);
    expect(waitingLabel('#[fg=red]Proceed? #{pane_id}')).toBe('waiting-for-human: [fg=red]Proceed? {pane_id}');
  });

  it('quotes the lines of a dead screen that say something, once each', () => {
    const screen = ['───────', '❯ ', 'error: model gpt-9 does not exist', 'error: model gpt-9 does not exist', 'Pane is dead (status 3, Wed Dec  2 06:26:13 2026)'];
    expect(meaningfulLines(screen)).toEqual(['error: model gpt-9 does not exist']);
    expect(meaningfulLines(undefined)).toEqual([]);
  });

  it('names the command that takes the user to the pane', () => {
    expect(attachHint(['-L', 'work'], 'flotilla-auth', '%3')).toBe('tmux -L work attach -t flotilla-auth \\; select-window -t %3 \\; select-pane -t %3');
    expect(attachHint([], 'flotilla-auth', undefined)).toBe('tmux attach -t flotilla-auth');
  });
});
