import { describe, expect, it } from 'vitest';
import { ControlParser, decodeOctal, type ControlEvent } from '../../src/tmux/control-parser.js';
import { quoteArg } from '../../src/tmux/control-client.js';

const parse = (...chunks: (string | Buffer)[]): ControlEvent[] => {
  const p = new ControlParser();
  return chunks.flatMap((c) => p.feed(typeof c === 'string' ? Buffer.from(c, 'utf8') : c));
};

describe('ControlParser: reply blocks', () => {
  it('collects the lines of a %begin/%end block', () => {
    expect(parse('%begin 1700000000 12 1\n%0 200x50\n%1 80x24\n%end 1700000000 12 1\n')).toEqual([
      { type: 'reply', time: 1700000000, number: 12, flags: 1, ok: true, lines: ['%0 200x50', '%1 80x24'] },
    ]);
  });

  it('marks %error blocks as failed and keeps the message', () => {
    const [r] = parse('%begin 5 7 1\nparse error: unknown command: nosuch\n%error 5 7 1\n');
    expect(r).toMatchObject({ type: 'reply', ok: false, number: 7, lines: ['parse error: unknown command: nosuch'] });
  });

  it('an empty block has no lines; an empty output line is kept', () => {
    expect(parse('%begin 1 2 0\n%end 1 2 0\n%begin 1 3 1\n\n%end 1 3 1\n')).toEqual([
      { type: 'reply', time: 1, number: 2, flags: 0, ok: true, lines: [] },
      { type: 'reply', time: 1, number: 3, flags: 1, ok: true, lines: [''] },
    ]);
  });

  it('content that looks like protocol lines stays content unless it closes this very block', () => {
    const events = parse(
      '%begin 9 40 1\n',
      '%end 9 39 1\n', // another command's number: content
      '%error 1 40 1\n', // another time: content
      '%begin 9 41 1\n', // nested-looking begin: content
      '%output %3 not a notification\n',
      '%exit\n',
      '%end 9 40 1\n',
      '%exit\n',
    );
    expect(events).toEqual([
      { type: 'reply', time: 9, number: 40, flags: 1, ok: true, lines: ['%end 9 39 1', '%error 1 40 1', '%begin 9 41 1', '%output %3 not a notification', '%exit'] },
      { type: 'exit', reason: undefined },
    ]);
  });

  it('handles lines split at any byte, and several events in one chunk', () => {
    const text = '%begin 1 2 1\nhello\n%end 1 2 1\n%output %1 a\\015\\012\n%window-add @4\n';
    const whole = parse(text);
    for (let cut = 1; cut < text.length; cut++) {
      expect(parse(text.slice(0, cut), text.slice(cut))).toEqual(whole);
    }
    const bytewise = new ControlParser();
    const events = [...Buffer.from(text)].flatMap((b) => bytewise.feed(Buffer.from([b])));
    expect(events).toEqual(whole);
    expect(whole.map((e) => e.type)).toEqual(['reply', 'output', 'window-add']);
  });

  it('waits for the end of a partial line and tracks whether a block is open', () => {
    const p = new ControlParser();
    expect(p.feed(Buffer.from('%begin 1 2 1\npart'))).toEqual([]);
    expect(p.inBlock).toBe(true);
    expect(p.feed(Buffer.from('ial\n%end 1 2 1\n'))).toMatchObject([{ type: 'reply', lines: ['partial'] }]);
    expect(p.inBlock).toBe(false);
  });
});

describe('ControlParser: %output', () => {
  it('decodes octal escapes to bytes, \\134 to a backslash', () => {
    const [e] = parse('%output %12 a\\134b\\011c\\033[1m\\015\\012\n');
    expect(e).toEqual({ type: 'output', paneId: '%12', data: Buffer.from('a\\b\tc\x1b[1m\r\n', 'latin1') });
  });

  it('keeps spaces in the data and an escaped backslash before digits', () => {
    const [e] = parse('%output %1  two  spaces \\134012\n');
    expect(e).toMatchObject({ data: Buffer.from(' two  spaces \\012') });
  });

  it('passes raw UTF-8 through as bytes, even split across two notifications', () => {
    const euro = Buffer.from('€', 'utf8'); // e2 82 ac
    const first = Buffer.concat([Buffer.from('%output %2 x'), euro.subarray(0, 2), Buffer.from('\n')]);
    const second = Buffer.concat([Buffer.from('%output %2 '), euro.subarray(2), Buffer.from('y\n')]);
    const events = parse(Buffer.concat([first, second]));
    const data = Buffer.concat(events.map((e) => (e.type === 'output' ? e.data : Buffer.alloc(0))));
    expect(data.toString('utf8')).toBe('x€y');
  });

  it('decodes %extended-output after the " : " separator', () => {
    const [e] = parse('%extended-output %5 1234 : hi\\012\n');
    expect(e).toEqual({ type: 'extended-output', paneId: '%5', age: 1234, data: Buffer.from('hi\n') });
  });

  it('decodeOctal leaves a backslash that is not followed by three octal digits', () => {
    expect(decodeOctal(Buffer.from('\\8\\12\\')).toString()).toBe('\\8\\12\\');
    expect(decodeOctal(Buffer.from('\\000\\377')).equals(Buffer.from([0, 255]))).toBe(true);
  });
});

describe('ControlParser: notifications', () => {
  it('parses the known notifications between blocks', () => {
    const events = parse(
      '%begin 1 2 0\n%end 1 2 0\n',
      '%session-changed $0 my session\n',
      '%window-add @3\n%window-close @3\n%unlinked-window-close @9\n',
      '%layout-change @1 b25d,80x24,0,0,0 b25d,80x24,0,0,0 *\n',
      '%pane-mode-changed %4\n',
      '%subscription-changed busy $1 @2 0 %5 - : value with : colon\n',
      '%begin 1 3 1\nx\n%end 1 3 1\n',
      '%window-renamed @1 new name\n%sessions-changed\n',
      '%exit server exited\n',
    );
    expect(events).toEqual([
      { type: 'reply', time: 1, number: 2, flags: 0, ok: true, lines: [] },
      { type: 'session-changed', sessionId: '$0', name: 'my session' },
      { type: 'window-add', windowId: '@3' },
      { type: 'window-close', windowId: '@3' },
      { type: 'unlinked-window-close', windowId: '@9' },
      { type: 'layout-change', windowId: '@1', layout: 'b25d,80x24,0,0,0', visibleLayout: 'b25d,80x24,0,0,0', flags: '*' },
      { type: 'pane-mode-changed', paneId: '%4' },
      { type: 'subscription-changed', name: 'busy', sessionId: '$1', windowId: '@2', windowIndex: '0', paneId: '%5', value: 'value with : colon' },
      { type: 'reply', time: 1, number: 3, flags: 1, ok: true, lines: ['x'] },
      { type: 'other', name: 'window-renamed', args: ['@1', 'new', 'name'], line: '%window-renamed @1 new name' },
      { type: 'other', name: 'sessions-changed', args: [], line: '%sessions-changed' },
      { type: 'exit', reason: 'server exited' },
    ]);
  });

  it('%exit without a reason, and stray non-% lines, are reported', () => {
    expect(parse('%exit\nwhat\r\n')).toEqual([
      { type: 'exit', reason: undefined },
      { type: 'other', name: '', args: [], line: 'what' },
    ]);
  });
});

describe('quoteArg', () => {
  it('single-quotes everything and never yields an empty word', () => {
    expect(quoteArg('list-panes')).toBe("'list-panes'");
    expect(quoteArg('')).toBe("''");
    expect(quoteArg("'; kill-server; \"$x\" #{pane_id}")).toBe("\\''; kill-server; \"$x\" #{pane_id}'");
  });

  it('writes control characters as octal in double quotes, so a command stays one line', () => {
    expect(quoteArg('a\nb\tc')).toBe(`'a'"\\012"'b'"\\011"'c'`);
    expect(quoteArg('a\nb')).not.toContain('\n');
  });
});
