/**
 * The sim agent's terminal UI, drawn like Claude Code's so screen-watching
 * code sees familiar text: history lines scroll above a live region
 *
 *   ✶ Working… (3s · ↓ 120 tokens)     (only while working)
 *   ────────────────────────────
 *   ❯ typed text
 *   ────────────────────────────
 *   Press Ctrl-C again to exit         (only briefly)
 *
 * which is erased and redrawn in place on every change, with the cursor
 * parked on the prompt line.
 */
export interface ScreenOutput {
  write(chunk: string): unknown;
  columns?: number;
}

export const SPINNER_GLYPHS = ['·', '✢', '✳', '✶', '✻', '✽'] as const;

const BRACKETED_PASTE_ON = '\x1b[?2004h';
const BRACKETED_PASTE_OFF = '\x1b[?2004l';

export class Screen {
  private input = '';
  private spinner: string | undefined;
  private hint: string | undefined;
  /** Lines between the top of the drawn live region and the cursor (0 = nothing drawn yet). */
  private cursorRow = 0;
  private drawn = false;
  private frozen = false;

  constructor(
    private readonly out: ScreenOutput,
    private readonly color: boolean,
  ) {}

  start(banner: string): void {
    this.out.write(BRACKETED_PASTE_ON);
    this.log(this.paint('1', visible(banner)));
  }

  setInput(display: string): void {
    this.input = display;
    this.redraw();
  }

  setSpinner(line: string | undefined): void {
    this.spinner = line;
    this.redraw();
  }

  setHint(text: string | undefined): void {
    this.hint = text;
    this.redraw();
  }

  /** Print a history line above the live region. */
  log(line: string): void {
    if (this.frozen) return;
    this.out.write(`${this.erase()}${line}\r\n`);
    this.drawn = false;
    this.redraw();
  }

  /** Stop drawing for good: a hung agent's screen does not move. */
  freeze(): void {
    this.frozen = true;
  }

  /** Leave the cursor below the live region and the terminal as we found it. */
  close(): void {
    const below = this.drawn ? this.regionLines().length - 1 - this.cursorRow : 0;
    this.out.write(`${below > 0 ? `\x1b[${below}B` : ''}\r\n${BRACKETED_PASTE_OFF}`);
    this.frozen = true;
  }

  private width(): number {
    const cols = this.out.columns;
    return cols && cols > 10 ? cols : 80;
  }

  private regionLines(): string[] {
    const w = this.width();
    const rule = this.paint('2', '─'.repeat(w));
    const lines: string[] = [];
    if (this.spinner !== undefined) lines.push(this.paint('33', clip(this.spinner, w - 1)));
    const room = w - 4;
    const input = this.input.length > room ? `…${this.input.slice(this.input.length - room + 1)}` : this.input;
    lines.push(rule, `❯ ${input}`, rule);
    if (this.hint !== undefined) lines.push(this.paint('2', clip(this.hint, w - 1)));
    return lines;
  }

  private redraw(): void {
    if (this.frozen) return;
    const lines = this.regionLines();
    const promptRow = this.spinner !== undefined ? 2 : 1;
    const up = lines.length - 1 - promptRow;
    const column = 3 + [...lines[promptRow]!.slice(2)].length;
    this.out.write(`${this.erase()}${lines.join('\r\n')}${up > 0 ? `\x1b[${up}A` : ''}\x1b[${column}G`);
    this.cursorRow = promptRow;
    this.drawn = true;
  }

  private erase(): string {
    if (!this.drawn) return '';
    return `${this.cursorRow > 0 ? `\x1b[${this.cursorRow}A` : ''}\r\x1b[J`;
  }

  private paint(sgr: string, text: string): string {
    return this.color ? `\x1b[${sgr}m${text}\x1b[0m` : text;
  }
}

/** Text from outside (prompts, paths) made inert: control bytes become visible symbols, never terminal commands. */
export function visible(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? '␡' : '�';
  });
}

function clip(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text;
}

export function spinnerLine(elapsedMs: number, frame: number): string {
  const glyph = SPINNER_GLYPHS[frame % SPINNER_GLYPHS.length]!;
  const tokens = Math.floor(elapsedMs / 25);
  return `${glyph} Working… (${Math.floor(elapsedMs / 1000)}s · ↓ ${tokens} tokens)`;
}

export function pasteLabel(text: string): string {
  const breaks = text.match(/\n/g)?.length ?? 0;
  return breaks > 0 ? `[Pasted text +${breaks} lines]` : visible(text);
}
