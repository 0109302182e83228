import type { ScreenPatterns } from './types.js';

/**
 * Google's Gemini CLI (Ink TUI). Working shows a braille spinner with
 * "(esc to cancel, 3s)", tool confirmations ask "Allow execution …?" with a
 * numbered menu, the composer prompt is `>` inside a box.
 */
export const geminiScreen: ScreenPatterns = {
  lastLines: 12,
  rules: [
    { name: 'confirmation', state: 'waiting-for-human', pattern: /Allow execution[^\n]*\?|Apply this change\?|Do you want to proceed\?/ },
    { name: 'esc-to-cancel', state: 'working', pattern: /\(esc to cancel\b/ },
    { name: 'quota', state: 'usage-limit', pattern: /[Qq]uota exceeded|RESOURCE_EXHAUSTED/ },
    { name: 'api-error', state: 'error', pattern: /\[API Error:|✕ \[API Error/ },
    { name: 'composer', state: 'idle', pattern: /^\s*│?\s*> {2,}Type your message/m, fallback: true },
  ],
};
