import type { ScreenPatterns } from './types.js';

/**
 * Claude Code's screen (checked with CLI 2.1.x, see FIELD-NOTES). Hooks are the
 * primary signal for Claude; this is the fallback when they are missing.
 *
 *   ● Reading the test file.
 *   ✶ Fermenting… (3s · ↓ 20 tokens)      working: a spinner glyph, a word (or an activity) ending in …
 *   ✻ Baked for 8s                        idle: the turn's closing line
 *   ──────────────────────
 *   ❯                                     idle: the prompt between rules (fallback)
 *   ──────────────────────
 *     ? for shortcuts        12% context used
 */
const GLYPHS = '·✢✳✶✻✽';

export const claudeScreen: ScreenPatterns = {
  lastLines: 10,
  rules: [
    { name: 'permission-dialog', state: 'waiting-for-human', pattern: /Do you want to [^\n]*\?[^\n]*\n(?:[^\n]*\n){0,3}\s*❯\s*1\.\s*Yes/ },
    { name: 'spinner', state: 'working', pattern: new RegExp(`^\\s*[${GLYPHS}] [^\\s…][^…\\n]{0,80}…(?:\\s|$)`, 'm') },
    { name: 'usage-limit', state: 'usage-limit', pattern: /You['’]ve hit your\b[^\n]*\blimit\b/ },
    { name: 'api-error', state: 'error', pattern: /API Error:/ },
    { name: 'turn-finished', state: 'idle', pattern: new RegExp(`^\\s*[${GLYPHS}] [A-Z][a-z]+ for (?:\\d+h ?)?(?:\\d+m ?)?(?:\\d+s)?\\s*$`, 'm') },
    { name: 'prompt-box', state: 'idle', pattern: /^\s*─{3,}\s*\n\s*❯[^\n]*\n\s*─{3,}/m, fallback: true },
  ],
  context: [
    { pattern: /(\d{1,3})% context used/, means: 'used' },
    { pattern: /Context low \((\d{1,3})% remaining\)/, means: 'remaining' },
    { pattern: /Context left until auto-compact: (\d{1,3})%/, means: 'remaining' },
  ],
  limitResetsAt: /You['’]ve hit your\b[^\n]*\blimit\b[^\n]*?·\s*resets\s+([^\n·]+?)\s*$/m,
};
