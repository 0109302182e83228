import { CONTROL, controlSymbol } from '../core/terminal-text.js';

/**
 * Text bound for a pane, made safe to paste. A pane reads bytes as keys: an
 * ESC starts a sequence (ESC[201~ ends a bracketed paste early, so what follows
 * is typed: CR submits, ^C interrupts), and tmux's buffers are C strings, so a
 * NUL ends the text. Every C0 and C1 control except newline and tab is shown
 * as a visible symbol instead (ESC as ␛, NUL as ␀, ^C as ␃, C1 as <0x9b>), CR
 * LF and a lone CR become a newline, so the agent reads all of it as text.
 */
export interface LiteralText {
  text: string;
  /** How many controls were shown as symbols (line ends made newlines not counted). */
  shown: number;
  /** The distinct symbols used, for the log line. */
  symbols: string[];
}

export function literalText(text: string): LiteralText {
  const symbols = new Set<string>();
  let shown = 0;
  const out = text.replace(/\r\n?/g, '\n').replace(CONTROL, (ch) => {
    shown++;
    const s = controlSymbol(ch);
    symbols.add(s);
    return s;
  });
  return { text: out, shown, symbols: [...symbols] };
}
