/**
 * Incremental parser for tmux control-mode output (`tmux -C`): feed it the
 * client's stdout in chunks of any size, get back reply blocks and
 * notifications. Pure: no processes, no timers.
 *
 * Replies: `%begin TIME NUMBER FLAGS`, the command's output lines, then
 * `%end` or `%error` with the same three fields. Lines inside a block are
 * not escaped, so a line that merely looks like `%end …` is content unless
 * its fields match the `%begin`. tmux never puts a notification inside a block.
 *
 * Notifications: one line each, starting with `%`. `%output %PANE DATA` carries
 * the pane's bytes with bytes < 0x20 and `\` written as octal `\ooo`; other
 * bytes (UTF-8 included) come raw, and a character may be split across two
 * notifications, so DATA is decoded to bytes, never to a string.
 */

export interface ControlReply {
  type: 'reply';
  time: number;
  /** tmux's command number (unique per server). */
  number: number;
  /** 1 for a command read from this control client's stdin, 0 for the attach command given on its argv. */
  flags: number;
  ok: boolean;
  lines: string[];
}

export type ControlNotification =
  | { type: 'output'; paneId: string; data: Buffer }
  | { type: 'extended-output'; paneId: string; age: number; data: Buffer }
  | { type: 'window-add'; windowId: string }
  | { type: 'window-close'; windowId: string }
  | { type: 'unlinked-window-close'; windowId: string }
  | { type: 'layout-change'; windowId: string; layout: string; visibleLayout: string; flags: string }
  | { type: 'session-changed'; sessionId: string; name: string }
  | { type: 'pane-mode-changed'; paneId: string }
  | { type: 'subscription-changed'; name: string; sessionId: string; windowId: string; windowIndex: string; paneId: string; value: string }
  | { type: 'exit'; reason: string | undefined }
  /** Any other notification (`%window-renamed`, `%sessions-changed`, `%pause`, …), or a stray line (name ''). */
  | { type: 'other'; name: string; args: string[]; line: string };

export type ControlEvent = ControlReply | ControlNotification;

const NL = 0x0a;
const BACKSLASH = 0x5c;

export class ControlParser {
  private pending: Buffer | undefined;
  private block: { time: number; number: number; flags: number; tail: string; lines: string[] } | undefined;

  /** Parse a chunk; returns the events completed by it (a partial last line waits for the next chunk). */
  feed(chunk: Uint8Array): ControlEvent[] {
    const events: ControlEvent[] = [];
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NL, start);
      if (nl < 0) break;
      let end = nl;
      if (end > start && buf[end - 1] === 0x0d) end--; // tolerate CRLF (a pty between us and tmux)
      const event = this.line(buf.subarray(start, end));
      if (event) events.push(event);
      start = nl + 1;
    }
    // copy the remainder so the caller's chunk can be reused
    this.pending = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
    return events;
  }

  /** True while inside a `%begin` block (a reply is being collected). */
  get inBlock(): boolean {
    return this.block !== undefined;
  }

  private line(raw: Buffer): ControlEvent | undefined {
    const block = this.block;
    if (block) {
      const text = raw.toString('utf8');
      if ((text.startsWith('%end ') || text.startsWith('%error ')) && text.slice(text.indexOf(' ') + 1) === block.tail) {
        this.block = undefined;
        return { type: 'reply', time: block.time, number: block.number, flags: block.flags, ok: text.startsWith('%end'), lines: block.lines };
      }
      block.lines.push(text);
      return undefined;
    }
    if (startsWith(raw, '%output ')) {
      const sp = raw.indexOf(0x20, 8);
      if (sp < 0) return { type: 'output', paneId: raw.subarray(8).toString('latin1'), data: Buffer.alloc(0) };
      return { type: 'output', paneId: raw.subarray(8, sp).toString('latin1'), data: decodeOctal(raw.subarray(sp + 1)) };
    }
    if (startsWith(raw, '%extended-output ')) {
      // %extended-output %PANE AGE [reserved…] : DATA
      const colon = raw.indexOf(' : ');
      const head = raw.subarray(0, colon < 0 ? raw.length : colon).toString('latin1').split(' ');
      const data = colon < 0 ? Buffer.alloc(0) : decodeOctal(raw.subarray(colon + 3));
      return { type: 'extended-output', paneId: head[1] ?? '', age: Number(head[2] ?? 0), data };
    }
    return this.textLine(raw.toString('utf8'));
  }

  private textLine(line: string): ControlEvent | undefined {
    const words = line.split(' ');
    const name = words[0] ?? '';
    const arg = (i: number) => words[i] ?? '';
    const rest = (i: number) => words.slice(i).join(' ');
    switch (name) {
      case '%begin': {
        this.block = { time: Number(arg(1)), number: Number(arg(2)), flags: Number(arg(3)), tail: rest(1), lines: [] };
        return undefined;
      }
      case '%window-add':
      case '%window-close':
      case '%unlinked-window-close':
        return { type: name.slice(1) as 'window-add', windowId: arg(1) };
      case '%layout-change':
        return { type: 'layout-change', windowId: arg(1), layout: arg(2), visibleLayout: arg(3), flags: rest(4) };
      case '%session-changed':
        return { type: 'session-changed', sessionId: arg(1), name: rest(2) };
      case '%pane-mode-changed':
        return { type: 'pane-mode-changed', paneId: arg(1) };
      case '%exit':
        return { type: 'exit', reason: words.length > 1 ? rest(1) : undefined };
      case '%subscription-changed': {
        // %subscription-changed NAME $S @W INDEX %P [reserved…] : VALUE
        const colon = line.indexOf(' : ');
        const value = colon < 0 ? '' : line.slice(colon + 3);
        return { type: 'subscription-changed', name: arg(1), sessionId: arg(2), windowId: arg(3), windowIndex: arg(4), paneId: arg(5), value };
      }
      default:
        if (!name.startsWith('%')) return { type: 'other', name: '', args: [], line };
        return { type: 'other', name: name.slice(1), args: words.slice(1), line };
    }
  }
}

function startsWith(buf: Buffer, prefix: string): boolean {
  if (buf.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

const isOctal = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x37;

/** Undo tmux's `\ooo` escaping of %output data; bytes stay bytes. */
export function decodeOctal(data: Uint8Array): Buffer {
  const first = data.indexOf(BACKSLASH);
  if (first < 0) return Buffer.from(data);
  const out = Buffer.allocUnsafe(data.length);
  out.set(data.subarray(0, first));
  let o = first;
  for (let i = first; i < data.length; i++) {
    const b = data[i]!;
    if (b === BACKSLASH && isOctal(data[i + 1]) && isOctal(data[i + 2]) && isOctal(data[i + 3])) {
      out[o++] = ((data[i + 1]! - 0x30) << 6) | ((data[i + 2]! - 0x30) << 3) | (data[i + 3]! - 0x30);
      i += 3;
    } else {
      out[o++] = b;
    }
  }
  return out.subarray(0, o);
}
