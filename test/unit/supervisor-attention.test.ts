import { describe, expect, it } from 'vitest';
import { attachHint, attend, meaningfulLines, printable, questionIn, questionOf, waitingLabel } from '../../src/supervisor/attention.js';
import type { AttentionEvent } from '../../src/tasks/events.js';
import type { OrchestratorRuntime } from '../../src/supervisor/status.js';

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

describe('attend', () => {
  const setup = () => {
    const logs: string[] = [];
    const events: AttentionEvent[] = [];
    const sink = { log: (m: string) => logs.push(m), record: (e: AttentionEvent) => events.push(e), heldTask: () => 't-one', attachHint: (p: string | undefined) => `tmux attach -t s \\; select-pane -t ${p}` };
    const rt = { orchestrator: { name: 'indigo' }, pane: '%3', state: 'working', seenAt: 0, heartbeat: undefined, screen: undefined } as unknown as OrchestratorRuntime;
    return { logs, events, sink, rt };
  };

  it('says once that a pane waits, takes the better words that follow, and says when it is over', () => {
    const { logs, events, sink, rt } = setup();
    rt.heartbeat = { ts: 100, pid: 1, source: 'Notification', state: 'waiting-for-human', note: 'Claude needs your permission to use Bash' };
    attend(rt, 'waiting-for-human', 1000, sink);
    expect(rt.waiting).toEqual({ question: 'Claude needs your permission to use Bash', since: 1000 });
    // the screen is read a moment later: the same dialog, now with its question; no second line
    rt.screen = { state: 'waiting-for-human', at: 1200, line: 'Do you want to proceed?' };
    attend(rt, 'waiting-for-human', 1300, sink);
    attend(rt, 'waiting-for-human', 1400, sink);
    expect(rt.waiting).toEqual({ question: 'Do you want to proceed?', since: 1000 });
    expect(logs).toEqual(['indigo: waiting for you — "Claude needs your permission to use Bash" — attach: tmux attach -t s \\; select-pane -t %3']);
    rt.state = 'waiting-for-human';
    attend(rt, 'working', 5000, sink);
    expect(rt.waiting).toBeUndefined();
    expect(logs[1]).toBe('indigo: no longer waiting (now working)');
    expect(events.map((e) => [e.task, e.from, e.to, e.question])).toEqual([
      ['t-one', 'working', 'waiting-for-human', 'Claude needs your permission to use Bash'],
      ['t-one', 'waiting-for-human', 'working', undefined],
    ]);
  });

  it('a new question long after the first is said again', () => {
    const { logs, sink, rt } = setup();
    rt.screen = { state: 'waiting-for-human', at: 10, line: 'Do you want to proceed?' };
    attend(rt, 'waiting-for-human', 1000, sink);
    rt.screen = { state: 'waiting-for-human', at: 9000, line: 'Do you want to create notes.md?' };
    attend(rt, 'waiting-for-human', 9000, sink);
    expect(logs).toHaveLength(2);
    expect(logs[1]).toContain('"Do you want to create notes.md?"');
  });
});
