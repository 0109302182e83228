import type { ScreenPatterns } from './types.js';

/**
 * OpenAI Codex CLI's TUI, from its public source and docs; not yet checked
 * against a recorded screen, so kept loose. Working shows
 * `• Working (12s • esc to interrupt)`, approvals ask "Would you like to run
 * the following command?", the composer prompt is `›`.
 */
export const codexScreen: ScreenPatterns = {
  lastLines: 10,
  rules: [
    { name: 'approval', state: 'waiting-for-human', pattern: /Would you like to (?:run|make|apply|allow)[^\n]*\?|Allow command\?/ },
    { name: 'esc-to-interrupt', state: 'working', pattern: /\besc to interrupt\b/i },
    { name: 'usage-limit', state: 'usage-limit', pattern: /You['’]ve hit your usage limit/ },
    { name: 'error', state: 'error', pattern: /^\s*■ [^\n]*(?:error|Error)|stream error|unexpected status \d{3}/m },
    { name: 'composer', state: 'idle', pattern: /^\s*[›▌] /m, fallback: true },
  ],
  context: [{ pattern: /(\d{1,3})% context left/, means: 'remaining' }],
  limitResetsAt: /You['’]ve hit your usage limit[\s\S]*?[Tt]ry again (?:at|in) ([^.\n]+)/,
};
