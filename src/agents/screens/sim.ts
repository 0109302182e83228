import type { ScreenPatterns } from './types.js';

/**
 * The built-in sim agent (src/sim/screen.ts, src/sim/sim-agent.ts) draws a
 * Claude-like screen; these rules match exactly what it prints:
 *
 *   > the submitted prompt                (history: a turn began)
 *   ✶ Working… (3s · ↓ 120 tokens)        (live region, only while working)
 *     ⎿  Edited src/x.js, committed abc1234
 *   ✻ Worked for 3s                       (history: the turn ended)
 *   API Error: simulated crash            (history, then the process exits 3)
 *   ────────────────
 *   ❯ typed text
 *   ────────────────
 */
export const simScreen: ScreenPatterns = {
  lastLines: 10,
  rules: [
    { name: 'spinner', state: 'working', pattern: /^[·✢✳✶✻✽] Working…/m },
    { name: 'crash', state: 'error', pattern: /^API Error: /m },
    { name: 'turn-finished', state: 'idle', pattern: /^✻ Worked for \d+s$/m },
    // The prompt is echoed as soon as it is submitted; the spinner follows a tick later.
    { name: 'prompt-echo', state: 'working', pattern: /^> /m },
    // tmux trims the prompt's trailing space when nothing is typed.
    { name: 'prompt-box', state: 'idle', pattern: /^─{3,}\n❯(?: [^\n]*)?\n─{3,}/m, fallback: true },
  ],
};
