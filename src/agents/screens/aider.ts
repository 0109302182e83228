import type { ScreenPatterns } from './types.js';

/**
 * Aider's terminal (prompt_toolkit prompt, rich output), checked against its
 * source (aider/io.py, aider/coders/base_coder.py, aider/exceptions.py) and
 * recorded sessions (test/fixtures/screens/aider, SOURCES.md).
 *
 *   ──────────────────────────────        a rule before every prompt
 *   src/net/client.ts                     the files in the chat
 *   > Add a retry to the request method   the prompt ("architect> ", "ask> ", "multi> " …), then the typed message
 *   Waiting for anthropic/claude-sonnet-4 [──=≡───]     working: before the reply streams
 *   …the reply streams in, no prompt under it…          working
 *   Tokens: 4.2k sent, 312 received. Cost: …            the turn's end
 *   Add file to the chat? (Y)es/(N)o/(D)on't ask again [Yes]:    a confirmation (answered ones end in "y"/"n")
 *   litellm.RateLimitError: …  /  Retrying in 0.2 seconds...    errors come through litellm and may be retried
 */

/** A prompt line: "> ", "architect> ", "diff multi> ", "multi> ". */
const PROMPT = String.raw`[\w-]*(?: multi)?>(?: |$)`;

export const aiderScreen: ScreenPatterns = {
  lastLines: 10,
  rules: [
    // Unanswered: the line ends at "[Yes]:" (tmux may have wrapped its tail); an answered one ends in "[Yes]: y".
    { name: 'yes-no', state: 'waiting-for-human', pattern: /^[^\n]*\(Y\)es\/\(N\)o[^\n]*(?:\n[^\n]{0,40})?\[[^\]\n]*\]:$/m },
    { name: 'retrying', state: 'working', pattern: /^Retrying in [\d.]+ seconds\.\.\.$/m },
    { name: 'waiting-for-model', state: 'working', pattern: /^[ \t]*(?:[░█▌▐⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]+[ \t]*)?Waiting for \S+/m },
    {
      name: 'rate-limit',
      state: 'usage-limit',
      pattern: /^litellm\.RateLimitError\b|^The API provider has rate limited you\b|^[^\n]*\b(?:insufficient_quota|exceeded your current quota)\b/m,
    },
    {
      // litellm's exception line and aider's explanation of it.
      name: 'litellm-error',
      state: 'error',
      pattern:
        /^litellm\.\w+(?:Error|Exception)\b|^The API provider (?:is not able to authenticate you|'s servers are down or overloaded|timed out|has refused the request|was unable to fetch)|^Permission was denied\. Check your API key/m,
    },
    {
      // aider's own crash report (aider/report.py), which ends asking to file an issue: the process is done.
      name: 'crash',
      state: 'error',
      pattern: /^# Uncaught \w+ in [^\n]*(?:\n[^\n]*)*?\nReport this as a GitHub Issue using your browser\?|^Report this as a GitHub Issue using your browser\?|^An uncaught exception occurred:/m,
    },
    {
      // aider's show_exhausted_error: the context window or output limit was hit and the turn gave up. It stays
      // the reading while nothing but its advice, the rule, the file list and the bare prompt follow it.
      name: 'token-limit',
      state: 'error',
      where: 'anywhere',
      pattern: new RegExp(String.raw`^Model \S+ has hit a token limit!$(?:\n(?!${PROMPT})[^\n]*)*(?:\n${PROMPT}[^\n]*)?(?![\s\S])`, 'm'),
    },
    // The end of a turn: anything that looked like an error in the reply above it is over.
    { name: 'turn-finished', state: 'idle', pattern: /^Tokens: [\d.,]+k? sent\b/m },
    {
      // The last submitted message with output after it and no prompt since: the reply (or a command) is running.
      // Not when aider itself crashed (its traceback, then the shell).
      name: 'streaming',
      state: 'working',
      where: 'anywhere',
      pattern: new RegExp(
        String.raw`^${PROMPT}\S[^\n]*(?:\n(?!${PROMPT}|An uncaught exception|Traceback )[^\n]*)+(?![\s\S])`,
        'm',
      ),
    },
    // The bottom line is a prompt: aider waits for the next message.
    { name: 'prompt', state: 'idle', pattern: new RegExp(String.raw`^${PROMPT}[^\n]*$(?![\s\S])`, 'm'), fallback: true },
  ],
};
