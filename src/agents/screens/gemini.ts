import type { ScreenPatterns } from './types.js';

/**
 * Google's Gemini CLI (Ink TUI), checked against its vitest snapshots and
 * recorded screens (test/fixtures/screens/gemini, SOURCES.md).
 *
 *   ✦ I'll read the client first.               the model's reply
 *   ╭──────────────────────────────╮
 *   │ ✓  ReadFile src/net/client.ts │            tool calls, in boxes
 *   ╰──────────────────────────────╯
 *   ⠏ Thinking... (esc to cancel, 3s)           working: the loading line with its timer
 *   ✕ [API Error: …]                            error (quota text inside it: usage limit)
 *   >   Type your message or @path/to/file      the composer, boxed or between ▀▀/▄▄ bars
 *   ~/app (main*)   no sandbox   gemini-2.5-pro (97% context left)
 *
 * Tool confirmations are boxes too: a question ("Allow execution of: 'npm'?",
 * "Apply this change?") over a radio menu whose selected option is "● 1.".
 * While one waits, the loading line reads "⠏ Waiting for user confirmation..."
 * and the composer may still be drawn under it.
 */

/** Box borders and padding in front of a line's text. */
const GUTTER = String.raw`[ \t]*(?:│[ \t]*)*`;
/** Lines between a question and the selected option of its menu. */
const BODY = String.raw`(?:\n[^\n]*){0,6}?`;
/** The selected radio option: "● 1. Allow once" (dialogs draw "∙ 1." too). */
const PICKED = String.raw`\n${GUTTER}[●∙◉][ \t]*\d+\.[ \t]`;

export const geminiScreen: ScreenPatterns = {
  lastLines: 24,
  rules: [
    {
      // Tool confirmations and the loop-detection dialog (its question wraps, so its title line is reported).
      name: 'confirmation',
      state: 'waiting-for-human',
      pattern: new RegExp(
        `^${GUTTER}(?:Allow execution[^\\n]*\\?|Apply this change\\?|Do you want to proceed\\?|Ready to start implementation\\?|\\?[ \\t]+A potential loop was detected)[^\\n]*` +
          BODY +
          PICKED,
        'm',
      ),
    },
    {
      // "Usage limit reached for gemini-2.5-pro." in a dialog over its menu (the menu is the limit's, not a question of its own),
      // or quota text inside an API error: "[API Error: You have exhausted your capacity on this model. …]".
      name: 'quota',
      state: 'usage-limit',
      pattern: new RegExp(
        `^${GUTTER}Usage limit reached for [^\\n]*(?:\\n[^\\n]*){0,16}?${PICKED}|^${GUTTER}Usage limit reached for |` +
          String.raw`^[ \t]*[✕X] \[API Error:[^\]]{0,600}?(?:exhausted your capacity|exceeded your current quota|[Qq]uota exceeded|RESOURCE_EXHAUSTED|quota will reset)|` +
          String.raw`^[ \t]*(?:ℹ[ \t]+)?⚡ You have reached your daily [^\n]* quota limit`,
        'm',
      ),
    },
    {
      // Any other question over a selected radio option (ask-user, auth and trust dialogs); not the model's prose (✦).
      name: 'question-menu',
      state: 'waiting-for-human',
      pattern: new RegExp(`^(?!${GUTTER}[✦>*!] )${GUTTER}[^\\n]*\\S\\?[ \\t]*(?:│[^\\n]*)?` + BODY + PICKED, 'm'),
    },
    {
      // A dialog with no question mark (ask-user "Select your preferred language:", "Choose an option", the
      // exit-plan-mode plan): a selected radio option over the dialog's own footer ("Enter to select · ↑/↓ to
      // navigate · Esc to cancel", "Enter to submit · Esc to cancel"). Reported from the title line ending in
      // ":" or "?" just above the menu when there is one (not the model's prose), else from the option.
      name: 'dialog-footer',
      state: 'waiting-for-human',
      pattern: new RegExp(
        String.raw`(?:^(?!${GUTTER}[✦>*!] )${GUTTER}[^\n]*[^\s│][:?][ \t]*(?:│[^\n]*)?(?:\n[^\n]*){0,12}?\n)?` +
          String.raw`^${GUTTER}[●∙◉][ \t]*\d+\.[ \t][^\n]*(?:\n[^\n]*){0,12}?\n${GUTTER}Enter to (?:select|submit)\b[^\n]*\bEsc to cancel\b`,
        'm',
      ),
    },
    {
      // "⠏ Thinking... (esc to cancel, 3s)", "(esc to cancel, 2m 5s)", a narrow pane's "…esc to" / "cancel, 5s";
      // not the static "⠏ Waiting for user confirmation..." drawn while a confirmation waits.
      name: 'esc-to-cancel',
      state: 'working',
      pattern: /^(?![^\n]*Waiting for user confirmation)[^\n]*\besc to(?: |\n[^\n]*\s)cancel, \d/m,
    },
    // "✕ [API Error: …]" ("X" where the terminal lacks the glyph); other ✕ notices (an MCP server that failed) are not the turn's.
    { name: 'api-error', state: 'error', pattern: /^[ \t]*[✕X] \[API Error:/m },
    // A reply after an error or limit means a later turn ran; a loading line or dialog below it wins.
    { name: 'reply', state: 'idle', pattern: /^[ \t]*✦ /m },
    // The composer: ">" normal, "*" YOLO, "!" shell mode; boxed (│ > …) in older versions.
    { name: 'composer', state: 'idle', pattern: /^[ \t]*(?:│[ \t]*)?[>*!][ \t]+\S/m, fallback: true },
  ],
  context: [{ pattern: /(\d{1,3})% context left/, means: 'remaining' }],
  limitResetsAt: /(?:Access resets at|quota will reset after)\s+([^\n│\]]+?)\.?[ \t]*(?:[│\]]|$)/m,
};
