import { describe, expect, test } from 'vitest';
import { applyStep, initialProgress, type StartupProgress, type StartupStep } from '../../src/startup/progress.js';
import { countAgents, startupLine, StatusLine } from '../../src/startup/render.js';
import { StartupView } from '../../src/startup/view.js';

/** A terminal that records what was written to it. */
function fakeTerminal(columns = 120) {
  const writes: string[] = [];
  return { isTTY: true, columns, writes, write: (t: string) => void writes.push(t) };
}

const steps = (p: StartupProgress, ...s: StartupStep[]) => s.reduce(applyStep, p);

describe("up's progress line", () => {
  test('grows with each step of bring-up, up to the agents', () => {
    const p0 = initialProgress(42, 4, true);
    expect(startupLine({})).toBe('… starting the supervisor');
    expect(startupLine({ progress: p0 })).toBe('… worktrees 0/4');
    const p1 = steps(p0, { step: 'worktree', orchestrator: 'a', setup: true }, { step: 'worktree', orchestrator: 'b', setup: true });
    expect(startupLine({ progress: p1 })).toBe('… worktrees 2/4  … setup 0/2');
    const p2 = steps(p1, { step: 'setup', orchestrator: 'a', ok: true }, { step: 'worktree', orchestrator: 'c', setup: true }, { step: 'worktree', orchestrator: 'd', setup: true });
    expect(startupLine({ progress: p2 })).toBe('✓ 4 worktrees  … setup 1/4');
    const p3 = steps(p2, ...['b', 'c', 'd'].map((o): StartupStep => ({ step: 'setup', orchestrator: o, ok: true })));
    expect(startupLine({ progress: p3 })).toBe('✓ 4 worktrees  ✓ setup  … panes');
    const p4 = applyStep(p3, { step: 'panes', count: 4 });
    expect(startupLine({ progress: p4 })).toBe('✓ 4 worktrees  ✓ setup  ✓ panes  … agents');
    const agents = (states: string[]) => countAgents(states.map((state) => ({ state })));
    expect(startupLine({ progress: p4, agents: agents(['idle', 'starting', 'working', 'starting']) })).toBe('✓ 4 worktrees  ✓ setup  ✓ panes  … agents ready 2/4');
    expect(startupLine({ progress: p4, agents: agents(['idle', 'idle', 'working', 'idle']) })).toBe('✓ 4 worktrees  ✓ setup  ✓ panes  ✓ agents ready 4/4');
  });

  test('no setup part for a mission without setup steps, nor for adopted worktrees; failures and people needed are said', () => {
    const none = steps(initialProgress(1, 2, false), { step: 'worktree', orchestrator: 'a', setup: false }, { step: 'worktree', orchestrator: 'b', setup: false });
    expect(startupLine({ progress: none })).toBe('✓ 2 worktrees  … panes');
    const adopted = steps(initialProgress(1, 1, true), { step: 'worktree', orchestrator: 'a', setup: false }, { step: 'panes', count: 1 });
    expect(startupLine({ progress: adopted })).toBe('✓ 1 worktree  ✓ panes  … agents');
    const failed = steps(initialProgress(1, 2, true), { step: 'worktree', orchestrator: 'a', setup: true }, { step: 'worktree', orchestrator: 'b', setup: true }, { step: 'setup', orchestrator: 'b', ok: false }, { step: 'setup', orchestrator: 'a', ok: true });
    expect(startupLine({ progress: failed })).toBe('✓ 2 worktrees  ✗ setup failed: b  … panes');
    const up = applyStep(none, { step: 'panes', count: 2 });
    expect(startupLine({ progress: up, agents: countAgents([{ state: 'idle' }, { state: 'waiting-for-human' }]) })).toBe('✓ 2 worktrees  ✓ panes  ! agents ready 1/2 (1 waiting for you)');
    expect(startupLine({ progress: up, agents: countAgents([{ state: 'idle' }, { state: 'dead' }]) })).toBe('✓ 2 worktrees  ✓ panes  ✗ agents ready 1/2 (1 down)');
  });

  test('is drawn over itself on a terminal, and ends with a newline', () => {
    const term = fakeTerminal();
    const line = new StatusLine(term);
    line.show('… worktrees 0/2');
    line.show('… worktrees 0/2'); // unchanged: not redrawn
    line.show('✓ 2 worktrees');
    line.end();
    line.end(); // ended already: nothing more
    expect(term.writes).toEqual(['\r\x1b[K… worktrees 0/2', '\r\x1b[K✓ 2 worktrees', '\n']);
  });

  test('is cut to the width of the terminal, so that it never wraps', () => {
    const term = fakeTerminal(20);
    new StatusLine(term).show('✓ 4 worktrees  ✓ setup  ✓ panes');
    expect(term.writes[0]!.replace('\r\x1b[K', '')).toHaveLength(19);
  });

  test('is shown only on a terminal', () => {
    expect(StartupView.forTerminal({ isTTY: false, write: () => true }, '/state')).toBeUndefined();
    expect(StartupView.forTerminal({ write: () => true }, '/state')).toBeUndefined();
    expect(StartupView.forTerminal(fakeTerminal(), '/state')).toBeInstanceOf(StartupView);
  });
});
