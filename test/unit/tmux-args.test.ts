import { describe, expect, it } from 'vitest';
import { parsePanes, paneFormat } from '../../src/tmux/format.js';
import { escapeArg } from '../../src/tmux/server.js';
import { derivePaneState, stateLabel } from '../../src/supervisor/orchestrator-state.js';

describe('tmux argument escaping', () => {
  it('an argument ending in ";" is escaped so tmux does not end the command there', () => {
    expect(escapeArg('a;')).toBe('a\\;');
    expect(escapeArg('x\\;')).toBe('x\\\\;');
    expect(escapeArg(';')).toBe('\\;');
    expect(escapeArg('a;b')).toBe('a;b');
    expect(escapeArg('plain')).toBe('plain');
  });
});

describe('pane format', () => {
  it('round-trips values, including empty ones, through the separator', () => {
    const fields = paneFormat().split('\u241e').length;
    const values = Array.from({ length: fields }, () => '');
    const set = (i: number, v: string) => (values[i] = v);
    set(0, 'flotilla-x');
    set(1, '@3');
    set(4, '%7');
    set(7, '1');
    set(8, '3');
    const [p] = parsePanes(`${values.join('\u241e')}\n`);
    expect(p).toMatchObject({ session: 'flotilla-x', windowId: '@3', paneId: '%7', dead: true, deadStatus: 3, orchestrator: '' });
  });
});

describe('pane state', () => {
  const base = { dead: false, heartbeat: undefined, nowMs: 10_000, startedAtMs: 9_000 };
  const beat = (ageMs: number, state?: string) => ({ ts: 10_000 - ageMs, pid: 1, source: 't', state });
  it('is starting until the first heartbeat, then what the agent says', () => {
    expect(derivePaneState(base)).toBe('starting');
    expect(derivePaneState({ ...base, heartbeat: beat(100, 'idle') })).toBe('idle');
    expect(derivePaneState({ ...base, heartbeat: beat(100, 'working') })).toBe('working');
    expect(derivePaneState({ ...base, heartbeat: beat(100) })).toBe('running');
  });
  it('dead wins; a busy agent silent past the threshold is stalled, an idle one is not', () => {
    expect(derivePaneState({ ...base, dead: true, heartbeat: beat(1, 'working') })).toBe('dead');
    const late = { ...base, nowMs: 500_000, startedAtMs: 0 };
    expect(derivePaneState({ ...late, heartbeat: { ts: 1000, pid: 1, source: 't', state: 'working' } })).toBe('stalled');
    expect(derivePaneState({ ...late, heartbeat: { ts: 1000, pid: 1, source: 't', state: 'idle' } })).toBe('idle');
  });
  it('labels a dead pane with its exit status or signal', () => {
    expect(stateLabel('dead', 7)).toBe('dead (exit 7)');
    expect(stateLabel('dead', undefined, 9)).toBe('dead (signal 9)');
    expect(stateLabel('idle', undefined)).toBe('idle');
  });
});
