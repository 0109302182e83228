import { describe, expect, it } from 'vitest';
import { InputDecoder, type InputEvent } from '../../src/sim/input.js';

const bytes = (s: string) => new TextEncoder().encode(s);

/** Feed `chunks` one by one and collect every event. */
function decode(...chunks: (string | Uint8Array)[]): InputEvent[] {
  const d = new InputDecoder();
  return chunks.flatMap((c) => d.feed(typeof c === 'string' ? bytes(c) : c));
}

/** Every way of cutting `s` into two chunks decodes like `s` whole. */
function everySplit(s: string): InputEvent[][] {
  const b = bytes(s);
  const out: InputEvent[][] = [];
  for (let i = 0; i <= b.length; i++) out.push(decode(b.slice(0, i), b.slice(i)));
  return out;
}

const merged = (events: InputEvent[]) =>
  events.reduce<InputEvent[]>((acc, ev) => {
    const last = acc[acc.length - 1];
    if (ev.type === 'text' && last?.type === 'text') acc[acc.length - 1] = { type: 'text', text: last.text + ev.text };
    else acc.push(ev);
    return acc;
  }, []);

describe('InputDecoder: keys', () => {
  it('turns typed characters into text and CR into submit', () => {
    expect(decode('hi there\r')).toEqual([{ type: 'text', text: 'hi there' }, { type: 'submit' }]);
  });

  it('maps ^C to interrupt, ^D to eof, DEL and ^H to erase', () => {
    expect(decode('a\x03\x04\x7f\x08')).toEqual([
      { type: 'text', text: 'a' },
      { type: 'interrupt' },
      { type: 'eof' },
      { type: 'erase' },
      { type: 'erase' },
    ]);
  });

  it('treats LF as Enter (piped input) but CR LF as one Enter', () => {
    expect(decode('a\nb\r\n')).toEqual([
      { type: 'text', text: 'a' },
      { type: 'submit' },
      { type: 'text', text: 'b' },
      { type: 'submit' },
    ]);
    expect(decode('b\r', '\n')).toEqual([{ type: 'text', text: 'b' }, { type: 'submit' }]);
  });

  it('swallows arrow keys, function keys and Alt+key instead of typing them', () => {
    expect(decode('a\x1b[A\x1b[1;5C\x1bOP\x1bxb\x1b[3~c')).toEqual([{ type: 'text', text: 'abc' }]);
  });

  it('drops other control bytes', () => {
    expect(decode('a\x00\x01\x07\x1cb')).toEqual([{ type: 'text', text: 'ab' }]);
  });

  it('keeps tabs and non-ASCII text, even when a UTF-8 character is split across reads', () => {
    const b = bytes('é❯\t🙂');
    expect(merged(decode(b.slice(0, 1), b.slice(1, 3), b.slice(3, 8), b.slice(8)))).toEqual([{ type: 'text', text: 'é❯\t🙂' }]);
  });

  it('holds a lone ESC until the next byte, and flush() drops it as the Escape key', () => {
    const d = new InputDecoder();
    expect(d.feed('a\x1b')).toEqual([{ type: 'text', text: 'a' }]);
    expect(d.flush()).toEqual([]);
    expect(d.feed('b')).toEqual([{ type: 'text', text: 'b' }]);
  });

  it('decodes an arrow key split across reads the same as whole', () => {
    for (const events of everySplit('x\x1b[1;5Dy\r')) {
      expect(merged(events)).toEqual([{ type: 'text', text: 'xy' }, { type: 'submit' }]);
    }
  });
});

describe('InputDecoder: bracketed paste', () => {
  it('delivers a paste whole, with CR (how terminals send line breaks) turned back into LF', () => {
    expect(decode('\x1b[200~line one\rline two\r\nline three\x1b[201~\r')).toEqual([
      { type: 'paste', text: 'line one\nline two\nline three' },
      { type: 'submit' },
    ]);
  });

  it('treats control bytes and escape sequences inside a paste as text', () => {
    const hostile = "'; rm -rf ~; $(touch /tmp/x)\x03\x04\x7f C-c Enter \x1b[31mred\x1b[0m \x1b[A \x1bOP \x1b[200~nested";
    expect(decode(`\x1b[200~${hostile}\x1b[201~`)).toEqual([{ type: 'paste', text: hostile }]);
  });

  it('decodes the same for every split point of a paste, including inside both markers', () => {
    const input = 'ab\x1b[200~x\x1b[31my\r\x03z\x1b[201~c\r';
    for (const events of everySplit(input)) {
      expect(merged(events)).toEqual([
        { type: 'text', text: 'ab' },
        { type: 'paste', text: 'x\x1b[31my\n\x03z' },
        { type: 'text', text: 'c' },
        { type: 'submit' },
      ]);
    }
  });

  it('survives a paste fed one byte at a time', () => {
    const text = 'first\rsecond \x1b[201 not the end\x1b[20~';
    const b = bytes(`\x1b[200~${text}\x1b[201~`);
    const d = new InputDecoder();
    const events: InputEvent[] = [];
    for (const byte of b) events.push(...d.feed(Uint8Array.of(byte)));
    expect(events).toEqual([{ type: 'paste', text: 'first\nsecond \x1b[201 not the end\x1b[20~' }]);
  });

  it('emits nothing until the paste ends, and flush() does not end it early', () => {
    const d = new InputDecoder();
    expect(d.feed('\x1b[200~half of it\r')).toEqual([]);
    expect(d.flush()).toEqual([]);
    expect(d.feed(' and the rest\x1b[201~')).toEqual([{ type: 'paste', text: 'half of it\n and the rest' }]);
  });

  it('handles an empty paste and two pastes back to back', () => {
    expect(decode('\x1b[200~\x1b[201~\x1b[200~a\x1b[201~\x1b[200~b\x1b[201~')).toEqual([
      { type: 'paste', text: '' },
      { type: 'paste', text: 'a' },
      { type: 'paste', text: 'b' },
    ]);
  });

  it('goes back to interpreting keys after the paste', () => {
    expect(decode('\x1b[200~\x03\x1b[201~\x03')).toEqual([{ type: 'paste', text: '\x03' }, { type: 'interrupt' }]);
  });
});
