import type { ScreenPatterns } from './types.js';

/**
 * Aider's terminal, from its docs; not yet checked against a recorded screen.
 * Its prompt is `> ` (or `architect> `, `ask> `, ...), confirmations end in
 * `(Y)es/(N)o ...`, model errors come through litellm.
 */
export const aiderScreen: ScreenPatterns = {
  lastLines: 6,
  rules: [
    { state: 'waiting-for-human', pattern: /\(Y\)es\/\(N\)o/ },
    { state: 'working', pattern: /^\s*(?:[░█▌▐]+\s*)?Waiting for \S+/m },
    { state: 'limit', pattern: /RateLimitError|rate limit/i },
    { state: 'error', pattern: /litellm\.\w*Error|APIConnectionError|APIError/ },
    { state: 'idle', pattern: /^[\w-]*>(?: |$)/m, fallback: true },
  ],
};
