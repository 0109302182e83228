import { terminalText } from './terminal-text.js';

/**
 * All printing goes through here, so colour and JSON handling live in one place.
 * Human output honours NO_COLOR and non-TTY streams.
 */
const useColor = (stream: NodeJS.WriteStream): boolean =>
  !('NO_COLOR' in process.env) && Boolean(stream.isTTY) && process.env.TERM !== 'dumb';

/**
 * A reader that goes away (`flotilla status | head`) is not an error worth a stack trace.
 * Set up on first print, not on import: opening stdout and stderr costs `flotilla hook`,
 * which prints nothing, several milliseconds on every hook event.
 */
let guarded = false;
function guard(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
}

function stdout(): NodeJS.WriteStream {
  guard();
  return process.stdout;
}

function stderr(): NodeJS.WriteStream {
  guard();
  return process.stderr;
}

/** Human output: text from tasks and agents is in it, so controls other than Flotilla's own colours are shown, not obeyed (terminal-text.ts). */
export function print(text = ''): void {
  const safe = terminalText(text, true);
  stdout().write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

export function printError(text: string): void {
  const err = stderr();
  err.write(`${useColor(err) ? '\x1b[31mflotilla:\x1b[0m ' : 'flotilla: '}${terminalText(text, true)}\n`);
}

export function printWarning(text: string): void {
  const err = stderr();
  err.write(`${useColor(err) ? '\x1b[33mwarning:\x1b[0m ' : 'warning: '}${terminalText(text, true)}\n`);
}

export function printJson(value: unknown): void {
  stdout().write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Colour a string with a #rrggbb colour when stdout is a colour terminal. */
export function paint(text: string, hex: string | undefined): string {
  if (!hex || !useColor(process.stdout)) return text;
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return text;
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h ?? '0', 16));
  return `\x1b[38;2;${r};${g};${b}m${text}\x1b[0m`;
}

export function bold(text: string): string {
  return useColor(process.stdout) ? `\x1b[1m${text}\x1b[0m` : text;
}
