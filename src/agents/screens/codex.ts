import type { ScreenPatterns } from './types.js';

/**
 * OpenAI Codex CLI's TUI (codex-rs/tui), checked against its insta snapshots
 * and recorded screens (test/fixtures/screens/codex, SOURCES.md).
 *
 *   › Add a retry to the client            a submitted message (history)
 *   • Explored                             agent output and tool calls open on "• "
 *     └ Read client.ts
 *   ─ Worked for 1m 25s ───────            separator before a turn's final message
 *   • Working (12s • esc to interrupt)     working: the live status row (header varies)
 *   ■ stream disconnected before …         error cell; "■ You've hit your usage limit …"
 *   › Ask Codex to do anything             the composer (fallback: it is on screen in every state)
 *     ? for shortcuts      72% context left
 *
 * Approvals and menus replace the composer: a question, then numbered options
 * with the highlighted one marked `›` (older TUI: `▌ > 1.`), then
 * "Press enter to confirm or esc to cancel". That `› 1.` looks like the
 * composer, so the dialog rules come first and match from the question.
 */

/** Up to 6 lines between a menu's question and its highlighted option; none of them ends in "?". */
const BODY = String.raw`(?:\n(?![^\n]*\?[ \t]*$)[^\n]*){0,6}?`;
/** Approval overlay titles (the "?" may be mid-line: "Do you trust the contents of this directory? Working with …"). */
const TITLE = String.raw`(?:Would you like to [^\n]*?\?|Do you (?:want|trust) [^\n]*?\?|Allow [^\n]*?\?|Apply changes\?|[^\n]*needs your approval\.)`;
/** The highlighted option: `› 2. No, …` (older TUI: `▌ > 1. Approve …`). */
const PICKED = String.raw`\n[ \t]*(?:▌[ \t]*)?[›>][ \t]*\d+\.[ \t]`;

export const codexScreen: ScreenPatterns = {
  lastLines: 24,
  rules: [
    {
      // "Would you like to run the following command?", "… make the following edits?" (a diff follows it),
      // "… grant these permissions?", "Do you trust the contents of this directory? …", "Allow command?".
      // The overlay can be taller than the bottom lines, and it is never left in the history: looked for anywhere.
      name: 'approval',
      state: 'waiting-for-human',
      where: 'anywhere',
      pattern: new RegExp(
        // Up to 60 lines of command, reason or diff between the title and the options, but not another title.
        String.raw`^[ \t]*(?:▌[ \t]*)?${TITLE}[^\n]*(?:\n(?![ \t]*(?:▌[ \t]*)?${TITLE})[^\n]*){0,60}?${PICKED}`,
        'm',
      ),
    },
    {
      // Any other question over a numbered menu: "Enable full access?", "Switch to … for lower credit usage?",
      // "Enable subagents?"; not agent prose (•), a submitted message (›) or a warning (⚠).
      name: 'question-menu',
      state: 'waiting-for-human',
      pattern: new RegExp(String.raw`^(?![ \t]*(?:▌[ \t]*)?[•◦›>■⚠└↳] )[ \t]*(?:▌[ \t]*)?[^\n]*\S\?[ \t]*${BODY}${PICKED}`, 'm'),
    },
    {
      // A menu with no question ("Choose working directory to resume this session", "Finish in Browser"): the
      // highlighted row, numbered or not (a picker's "› curl …  Soft denial: …"), over the popup's footer:
      // "Press enter to confirm or esc to go back", "Use tab / ↑ ↓ to move, enter to select, esc to close".
      name: 'menu',
      state: 'waiting-for-human',
      pattern: /^[ \t]*[›>][ \t]*(?:\d+\.[ \t])?\S[^\n]*(?=(?:\n[^\n]*){0,10}?\n[ \t]*(?:Press enter to (?:confirm|continue)|(?:Use [^\n]*?, )?enter (?:to )?select))/im,
    },
    {
      // The live status row: "• Working (12s • esc to interrupt)", "  Investigating rendering code (0s • Esc to interrupt)",
      // "• Reconnecting... 3/5 (1s • esc to interrupt)". Not one quoted in a command's output ("  └ ◦ Working …").
      name: 'status',
      state: 'working',
      pattern: /^[ \t]*(?:[•◦][ \t]+)?[A-Za-z][^\n]*\(\d[^()\n]*•[ \t]*esc to interrupt\b/im,
    },
    {
      name: 'usage-limit',
      state: 'usage-limit',
      pattern: /^[ \t]*■ (?:You['’]ve hit your usage limit|Quota exceeded\.|To use Codex with your ChatGPT plan)|^[ \t]*■ exceeded retry limit, last status: 429/m,
    },
    // Every other error cell: "■ stream disconnected …", "■ unexpected status 400 …", "■ Codex ran out of room …".
    { name: 'error', state: 'error', pattern: /^[ \t]*■ (?!Conversation interrupted)\S/m },
    // Esc pressed: the turn ended and Codex waits for what to do instead.
    { name: 'interrupted', state: 'idle', pattern: /^[ \t]*■ Conversation interrupted\b/m },
    // Agent output after an error or limit means a later turn ran; the status row or a dialog below it wins.
    { name: 'reply', state: 'idle', pattern: /^(?:• |─ Worked for )/m },
    { name: 'composer', state: 'idle', pattern: /^[ \t]*[›▌](?: |$)/m, fallback: true },
  ],
  context: [{ pattern: /(\d{1,3})% context left/, means: 'remaining' }],
  // "… or try again at 3:28 PM.", "… Try again in 4 hours 32 minutes.", "… Usage will reset when your monthly cycle ends on 9/23/2026."
  limitResetsAt: /You['’]ve hit your usage limit[\s\S]*?(?:[Tt]ry\s+again\s+(?:at|in)|[Uu]sage will reset\b[^\n]*?\bon)\s+(?!later\b)([^\n]*?[^.\s])\.?[ \t]*$/m,
};
