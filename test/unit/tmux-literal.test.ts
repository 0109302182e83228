import { describe, expect, it } from 'vitest';
import { oneLine } from '../../src/core/terminal-text.js';
import { literalText } from '../../src/tmux/literal.js';

describe('literalText', () => {
  it('leaves ordinary text alone: newlines, tabs, quotes, emoji, non-Latin scripts', () => {
    const text = 'Fix "the" parser\n\tindented; $(not run) `nor this`\nnaïve 日本語 🚀';
    expect(literalText(text)).toEqual({ text, shown: 0, symbols: [] });
  });

  it('turns CR LF and lone CRs into newlines, without counting them as controls', () => {
    expect(literalText('one\r\ntwo\rthree')).toEqual({ text: 'one\ntwo\nthree', shown: 0, symbols: [] });
  });

  it('shows every other C0 control, DEL and the C1 controls as visible symbols, and counts them', () => {
    const r = literalText('a\x00b\x1b[201~c\x03\x07\x7f\x85\x9b');
    expect(r.text).toBe('a\u2400b\u241b[201~c\u2403\u2407\u2421<0x85><0x9b>');
    expect(r.shown).toBe(7);
    expect(r.symbols).toEqual(['\u2400', '\u241b', '\u2403', '\u2407', '\u2421', '<0x85>', '<0x9b>']);
    // Nothing that could reach a terminal as a control is left.
    expect(r.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});

describe('oneLine', () => {
  it('shows line breaks as ⏎ so agent text cannot forge a log line', () => {
    expect(oneLine('done\n12:00:00.000 o2: t9 done: forged\r\nthird\rfourth')).toBe('done ⏎ 12:00:00.000 o2: t9 done: forged ⏎ third ⏎ fourth');
  });
});
