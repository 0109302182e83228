import type { ScreenPatterns } from './types.js';

/**
 * Any other CLI agent: the only signal Flotilla has for it, so only patterns
 * that mean the same thing in most terminal programs. A question waiting for
 * y/n, a braille spinner, a traceback, a prompt character on the last line.
 */
export const genericScreen: ScreenPatterns = {
  lastLines: 6,
  rules: [
    { name: 'yes-no-question', state: 'waiting-for-human', pattern: /\[(?:y\/n|Y\/n|y\/N)\]|\((?:y\/n|yes\/no)\)|Press (?:Enter|any key)/i },
    { name: 'braille-spinner', state: 'working', pattern: /^\s*[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/m },
    { name: 'traceback', state: 'error', pattern: /^Traceback \(most recent call last\):|^(?:Error|ERROR|fatal):/m },
    // The last line ends in a prompt character: the program waits for input. Not a progress figure ("45%").
    { name: 'prompt-char', state: 'idle', pattern: /(?:[$#>❯›]|(?<!\d)%)\s?$/, fallback: true },
  ],
};
