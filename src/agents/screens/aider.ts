import type { ScreenPatterns } from './types.js';

/**
 * Aider's terminal, from its docs; not yet checked against a recorded screen.
 * Its prompt is `> ` (or `architect> `, `ask> `, ...), confirmations end in
 * `(Y)es/(N)o ...`, model errors come through litellm.
 */
export const aiderScreen: ScreenPatterns = {
  lastLines: 6,
  rules: [
    { name: 'yes-no', state: 'waiting-for-human', pattern: /\(Y\)es\/\(N\)o/ },
    { name: 'waiting-for-model', state: 'working', pattern: /^\s*(?:[░█▌▐]+\s*)?Waiting for \S+/m },
    { name: 'rate-limit', state: 'usage-limit', pattern: /RateLimitError|rate limit/i },
    { name: 'litellm-error', state: 'error', pattern: /litellm\.\w*Error|APIConnectionError|APIError/ },
    { name: 'prompt', state: 'idle', pattern: /^[\w-]*>(?: |$)/m, fallback: true },
  ],
};
