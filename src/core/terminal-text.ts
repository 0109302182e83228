/**
 * Text from tasks, agents and screens is printed to terminals (`task list`,
 * `status`, the log the status pane tails). A terminal reads an ESC as the
 * start of a command: `\e[2J` clears it, OSC 52 writes the clipboard. Every C0
 * and C1 control except newline and tab is shown as a visible symbol instead
 * (ESC as ␛, NUL as ␀, C1 as <0x9b>). Flotilla's own colours are SGR sequences
 * (ESC [ digits m); `keepColor` lets exactly those through.
 */
// C0 (minus tab and newline), DEL, C1.
export const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const CONTROL_OR_COLOR = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function controlSymbol(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code); // ␀ … ␟
  if (code === 0x7f) return '\u2421'; // ␡
  return `<0x${code.toString(16)}>`;
}

export function terminalText(text: string, keepColor = false): string {
  if (keepColor) return text.replace(CONTROL_OR_COLOR, (m) => (m.length > 1 ? m : controlSymbol(m)));
  return text.replace(CONTROL, controlSymbol);
}

/** Text that must stay on its line (an agent's summary in the log): line breaks shown as ⏎, so it cannot forge a line of its own. */
export function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ⏎ ');
}
