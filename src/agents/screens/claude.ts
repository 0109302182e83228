import type { ScreenPatterns } from './types.js';

/**
 * Claude Code's screen (recorded with CLI 2.1.197 by
 * test/fixtures/screens/capture-claude.mjs; older 2.1.x wordings kept). Hooks
 * are the primary signal for Claude; this is the fallback when they are missing.
 *
 *   ❯ add the users table                          history: the prompt, then "●" lines
 *   ● API Error: 500 Internal server error. …       error (outranks the closing line under it)
 *   ✻ Cooked for 8s                                 idle: the turn's closing line
 *   ✶ Writing the migration… (3s · ↓ 20 tokens)    working: spinner glyph, words, "…" (live, above the box)
 *     ⎿  ◼ Write the migration                       a to-do list or tips may push it up
 *   ✻ API error · Retrying in 1s · attempt 1/10     error; "Session limit reached · Retrying…": usage-limit
 *   ──────────────────────
 *   ❯                                               idle: the prompt between rules (fallback)
 *   ──────────────────────
 *     esc to interrupt · ← for agents               working (fallback) / "? for shortcuts" idle
 *
 * A dialog replaces the box: a full-width rule, a title, the question, then a
 * numbered menu with a cursor (`❯ 1. Yes`), footers to the bottom of the screen.
 * Dialog rules match from the question line (that line is what Flotilla shows
 * as the question) down to the last line of the screen, so nothing outranks a
 * live dialog and a menu quoted in old output (anything printed under it) never
 * reads as one. They look at more bottom lines than the rest (DIALOG_LINES).
 */
const GLYPHS = '·✢✳✶✻✽*';
const G = `[${GLYPHS}]`;
/** Bottom lines a dialog rule looks at: title, question, 14 lines to the cursor, 20 under it. */
const DIALOG_LINES = 36;
/** A menu cursor on a numbered option: `❯ 1. Yes`, older `> 1. Yes`, inside an old box `│ ❯ 1.`. */
const CURSOR = String.raw`^(?:[^\S\n]|│)*[❯›>▸][^\S\n]*\d+\.[^\S\n]+\S(?=(?<option>[^\n]*))\k<option>`;
/**
 * From the cursor line to the end of the screen: more options, descriptions,
 * footers; no history ("●"), no spinner, no input prompt (a bare `❯`). Each
 * line is taken whole (an atomic group: lookahead + backreference), so a miss
 * costs one pass, not a backtrack through every character.
 */
const TO_BOTTOM = String.raw`(?:\n(?![^\S\n]*●|❯(?![^\S\n]*\d+\.)|${G} )(?=(?<rest>[^\n]*))\k<rest>){0,20}(?![\s\S])`;
/**
 * The question: the last line with a "?" within 14 lines above the cursor, from
 * its first line when it wraps (the lines after it start in lower case).
 * Written to match in linear time.
 */
const QUESTION = String.raw`(?:^[^\n?]*\n(?=[^\S\n]*\p{Ll})){0,2}^[^\n?]*\?[^\n]*\n(?:[^\n?]*\n){0,14}?`;
/** A message Claude prints itself starts its line, after at most a glyph ("● ", "  ⎿  ", "✻ "); model prose mentioning it does not. */
const START = String.raw`^[^\S\n]*(?:[●⎿${GLYPHS}][^\S\n]+)?`;
/** The turn's closing line (`✻ Cooked for 0s`, `✻ Sautéed for 1m 2s`). */
const CLOSING = String.raw`${G} \p{Lu}[\p{Ll}'’-]+ for (?:\d+h ?)?(?:\d+m ?)?(?:\d+s)?(?:\s*·[^\n]*)?$`;
/**
 * Lets an error or limit extend over its wrapped lines down to the closing line
 * printed right under it, so it ends on the same line and, listed earlier, wins.
 */
const THEN_CLOSING = String.raw`(?:\n(?:(?![^\S\n]*[●❯>─]|${G} )[^\n]*\n){0,4}?${CLOSING})?`;
const LIMIT_BANNER = String.raw`You['’]ve (?:hit|reached) your\b[^\n]*\blimit\b|(?:Claude (?:AI )?)?(?:[Ss]ession|[Ww]eekly|Opus|Sonnet|[Dd]aily|5-hour|[Uu]sage) limit reached\b|You['’]re out of (?:usage credits|extra usage)\b|Your org is out of usage\b`;

export const claudeScreen: ScreenPatterns = {
  lastLines: 10,
  rules: [
    // Usage limits, before dialogs and errors: their menu and their "API Error:" line lose ties to them.
    { name: 'limit-options', state: 'usage-limit', lastLines: DIALOG_LINES, pattern: new RegExp(`(?:${START}(?:${LIMIT_BANNER})[^\\n]*\\n(?:[^\\n]*\\n){0,6}?)?^[^\\n]*What do you want to do\\?[^\\n]*\\n(?:[^\\n]*\\n){0,3}?[^\\S\\n]*(?:[❯›>▸][^\\S\\n]*)?\\d+\\.[^\\S\\n]+Stop and wait for limit to reset[^\\n]*${TO_BOTTOM}`, 'mu') },
    { name: 'usage-limit', state: 'usage-limit', pattern: new RegExp(`${START}(?:API Error:?[^\\n]*?)?(?:${LIMIT_BANNER})[^\\n]*${THEN_CLOSING}`, 'mu') },
    // Dialogs: a question over a numbered menu with a cursor, at the bottom of the screen.
    { name: 'dialog', state: 'waiting-for-human', lastLines: DIALOG_LINES, pattern: new RegExp(`${QUESTION}${CURSOR}${TO_BOTTOM}`, 'mu') },
    { name: 'bypass-warning', state: 'waiting-for-human', lastLines: DIALOG_LINES, pattern: new RegExp(`^[^\\n]*Bypass Permissions mode[^\\n]*\\n(?:[^\\n]*\\n){0,12}?${CURSOR}${TO_BOTTOM}`, 'mu') },
    // Any other menu drawn under a full-width rule; its first line is the title.
    { name: 'menu', state: 'waiting-for-human', lastLines: DIALOG_LINES, pattern: new RegExp(`(?<=^─{10,}\\n)[^\\S\\n]*\\S[^\\n]*\\n(?:[^\\n]*\\n){0,14}?${CURSOR}${TO_BOTTOM}`, 'mu') },
    // Errors.
    { name: 'api-retrying', state: 'error', pattern: /\bRetrying in \d+(?:\.\d+)?\s*(?:s|sec|seconds?)\b[^\n]*\battempt \d+\/\d+/ },
    { name: 'api-error', state: 'error', pattern: new RegExp(`${START}API Error\\b[^\\n]*${THEN_CLOSING}`, 'mu') },
    { name: 'auth-error', state: 'error', pattern: new RegExp(`${START}(?:Invalid API key\\b|OAuth token (?:has )?(?:expired|been revoked)|Credit balance is too low\\b|Not logged in\\b[^\\n]*/login\\b)[^\\n]*${THEN_CLOSING}`, 'mu') },
    { name: 'unavailable', state: 'error', pattern: new RegExp(`${START}(?:Unable to connect to (?:Anthropic services|API)\\b|(?!Fast mode\\b)\\p{Lu}[\\w .-]{0,40} is currently unavailable\\b)[^\\n]*${THEN_CLOSING}`, 'mu') },
    // Claude exited at start: a message on an otherwise empty pane (tmux may add "Pane is dead").
    { name: 'exited', state: 'error', pattern: /^error: \S|\bcannot be used with root\/sudo privileges\b|^Pane is dead \((?:status [1-9]|signal)/m },
    // Working: a spinner in the bottom lines, or higher up when only its live region (a to-do list, tips)
    // separates it from the prompt box (the lookahead keeps the match on the spinner's line).
    { name: 'spinner', state: 'working', pattern: new RegExp(`^ ?${G} (?!\\p{Lu}\\p{Ll}+ for \\d)[^\\s…][^…\\n]{0,80}(?:…|\\.\\.\\.)(?:\\s|$)`, 'mu') },
    { name: 'spinner-above-box', state: 'working', lastLines: 40, pattern: new RegExp(`^ ?${G} (?!\\p{Lu}\\p{Ll}+ for \\d)[^\\s…][^…\\n]{0,80}(?:…|\\.\\.\\.)[^\\n]*(?=\\n(?:(?![ \\t]*[●❯>]|${G} )[^\\n]*\\n){0,40}?─{3,}$)`, 'mu') },
    // Idle.
    { name: 'turn-finished', state: 'idle', pattern: new RegExp(`^ ?${CLOSING}`, 'mu') },
    { name: 'interrupted', state: 'idle', pattern: /^[^\S\n]*⎿[^\S\n]+Interrupted\b/m },
    // Fallbacks, in order: the footer's hint while a turn runs ("esc to interrupt", first or after a "·"),
    // then the bare prompt box (anywhere: a slash-command list may hang under it).
    { name: 'interrupt-hint', state: 'working', pattern: /^(?:[^\S\n]*|[^\n]*·[^\S\n]*)esc to interrupt\b/m, fallback: true },
    { name: 'prompt-box', state: 'idle', where: 'anywhere', pattern: /^[^\S\n]*─{3,}[^\S\n]*\n[^\S\n]*❯[^\n]*\n(?:[^\n]*\n){0,8}?[^\S\n]*─{3,}/m, fallback: true },
    { name: 'prompt-box-rounded', state: 'idle', where: 'anywhere', pattern: /^[^\S\n]*╭─{3,}╮?[^\S\n]*\n[^\S\n]*│[^\S\n]*>[^\n]*\n(?:[^\n]*\n){0,8}?[^\S\n]*╰─{3,}/m, fallback: true },
  ],
  context: [
    { pattern: /(\d{1,3})% context used/, means: 'used' },
    { pattern: /Context low \((\d{1,3})% remaining\)/, means: 'remaining' },
    { pattern: /Context left until auto-compact: (\d{1,3})%/, means: 'remaining' },
  ],
  // "· resets 9:53am (UTC)", "∙ resets 3am", "Your limit will reset at 4pm", "Retrying in 6s (Dec 4, 8:13am)", "…reached|1767225600".
  limitResetsAt:
    /(?:\blimit\b[^\n]*?[·∙•]\s*resets\s+|\bYour limit will reset at\s+|\blimit reached\b[^\n]*?Retrying in [^\n(]*\(|usage limit reached\|)([^\n·∙•|()"]+?(?:\s*\([^\n)]*\))?)\.?\s*(?:[·∙•)"]|$)/m,
};
