import { describe, expect, it } from 'vitest';
import { Screen, SPINNER_GLYPHS, pasteLabel, spinnerLine, visible } from '../../src/sim/screen.js';

describe('screen text', () => {
  it('renders control bytes from prompts as visible symbols, never as terminal commands', () => {
    expect(visible('\x1b[31mred\x1b[0m\x07\x7f\x9b')).toBe('␛[31mred␛[0m␇␡�');
    expect(visible("'; rm -rf ~; $(touch x)")).toBe("'; rm -rf ~; $(touch x)");
  });

  it('labels multi-line pastes by their line breaks and shows one-line pastes inline', () => {
    expect(pasteLabel('a\nb\nc')).toBe('[Pasted text +2 lines]');
    expect(pasteLabel('one \x1b line')).toBe('one ␛ line');
  });

  it('draws a Claude-style spinner line that cycles through the glyphs', () => {
    expect(spinnerLine(3_000, 3)).toBe('✶ Working… (3s · ↓ 120 tokens)');
    expect(new Set(SPINNER_GLYPHS.map((_, i) => spinnerLine(0, i)[0])).size).toBe(SPINNER_GLYPHS.length);
  });

  it('draws rule, prompt, rule with bracketed paste on, and turns it off on close', () => {
    let out = '';
    const screen = new Screen({ write: (s: string) => (out += s), columns: 20 }, false);
    screen.start('banner');
    screen.setInput('typed');
    expect(out.startsWith('\x1b[?2004h')).toBe(true);
    expect(out).toContain(`${'─'.repeat(20)}\r\n❯ typed\r\n${'─'.repeat(20)}`);
    screen.close();
    expect(out.endsWith('\x1b[?2004l')).toBe(true);
  });

  it('does not draw anything once frozen', () => {
    let out = '';
    const screen = new Screen({ write: (s: string) => (out += s) }, false);
    screen.setInput('a');
    screen.freeze();
    const before = out;
    screen.setSpinner('✶ Working…');
    screen.log('line');
    expect(out).toBe(before);
  });
});
