/**
 * Terminal input decoder for the sim agent: raw bytes in, key events out.
 * Pure and chunk-agnostic, so a paste or an escape sequence split across
 * reads decodes exactly as if it had arrived whole.
 *
 *   normal ──ESC[200~──▶ paste ──ESC[201~──▶ normal
 *
 * In `normal`, control bytes are keys (CR submit, ^C interrupt, ^D eof) and
 * escape sequences (arrows, function keys) are swallowed. In `paste`, every
 * byte up to the end marker is text, however hostile it looks.
 */
export type InputEvent =
  | { type: 'text'; text: string }
  | { type: 'paste'; text: string }
  | { type: 'submit' }
  | { type: 'interrupt' }
  | { type: 'eof' }
  | { type: 'erase' };

const ESC = '\x1b';
const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

export class InputDecoder {
  private readonly utf8 = new TextDecoder('utf-8');
  /** Undecoded tail of the stream: an incomplete escape sequence, or a paste still open. */
  private pending = '';
  private inPaste = false;
  /** Where to resume looking for the paste end marker within `pending`. */
  private pasteScan = 0;
  private lastWasCr = false;

  feed(chunk: Uint8Array | string): InputEvent[] {
    this.pending += typeof chunk === 'string' ? chunk : this.utf8.decode(chunk, { stream: true });
    const out: InputEvent[] = [];
    for (;;) {
      const consumed = this.inPaste ? this.stepPaste(out) : this.stepNormal(out);
      if (!consumed) return out;
    }
  }

  /**
   * Resolve what is held back waiting for more bytes: a lone ESC (the Escape
   * key) is dropped. An open paste stays open; its end marker may still come.
   */
  flush(): InputEvent[] {
    if (!this.inPaste && this.pending.startsWith(ESC)) this.pending = this.pending.slice(1);
    return this.feed('');
  }

  /** Consume one paste step; false when more input is needed. */
  private stepPaste(out: InputEvent[]): boolean {
    const end = this.pending.indexOf(PASTE_END, this.pasteScan);
    if (end < 0) {
      // The marker may straddle this chunk and the next: rescan its possible start.
      this.pasteScan = Math.max(0, this.pending.length - (PASTE_END.length - 1));
      return false;
    }
    // Terminals send line breaks in a paste as CR (tmux turns LF into CR): give the agent LF.
    const text = this.pending.slice(0, end).replace(/\r\n?/g, '\n');
    out.push({ type: 'paste', text });
    this.pending = this.pending.slice(end + PASTE_END.length);
    this.inPaste = false;
    this.pasteScan = 0;
    return true;
  }

  /** Consume one key or sequence; false when `pending` is empty or incomplete. */
  private stepNormal(out: InputEvent[]): boolean {
    const s = this.pending;
    if (s.length === 0) return false;
    const ch = s[0]!;
    if (ch === ESC) {
      const len = escapeLength(s);
      if (len === 0) return false;
      const seq = s.slice(0, len);
      this.pending = s.slice(len);
      this.lastWasCr = false;
      if (seq === PASTE_START) this.inPaste = true;
      return true;
    }
    this.pending = s.slice(ch.length);
    const wasCr = this.lastWasCr;
    this.lastWasCr = ch === '\r';
    const code = ch.codePointAt(0)!;
    if (ch === '\r') out.push({ type: 'submit' });
    // A pipe ends lines with LF; CR LF from a terminal is one Enter, not two.
    else if (ch === '\n') { if (!wasCr) out.push({ type: 'submit' }); }
    else if (code === 0x03) out.push({ type: 'interrupt' });
    else if (code === 0x04) out.push({ type: 'eof' });
    else if (code === 0x7f || code === 0x08) out.push({ type: 'erase' });
    else if (ch === '\t' || (code >= 0x20 && !(code >= 0x80 && code < 0xa0))) pushText(out, ch);
    return true;
  }
}

function pushText(out: InputEvent[], ch: string): void {
  const last = out[out.length - 1];
  if (last?.type === 'text') last.text += ch;
  else out.push({ type: 'text', text: ch });
}

/**
 * Length of the escape sequence at the start of `s` (which begins with ESC),
 * or 0 when it is not complete yet.
 */
function escapeLength(s: string): number {
  if (s.length < 2) return 0;
  const second = s[1]!;
  if (second === '[') {
    // CSI: parameter and intermediate bytes 0x20-0x3f, then one final byte 0x40-0x7e.
    for (let i = 2; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x40 && c <= 0x7e) return i + 1;
      if (c < 0x20 || c > 0x3f) return i; // malformed: drop what we have, keep the odd byte
    }
    return 0;
  }
  if (second === 'O') return s.length < 3 ? 0 : 3; // SS3: F1-F4, application-mode arrows
  if (second === ESC) return 1; // ESC ESC: drop the first, decode the second afresh
  return 1 + String.fromCodePoint(s.codePointAt(1)!).length; // Alt+key
}
