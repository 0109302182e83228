/**
 * Screen patterns are data, one file per agent kind: agent UIs change between
 * versions, so a new screen means a new rule and a new recorded fixture, not
 * new code.
 */
export type ScreenState = 'working' | 'idle' | 'waiting-for-human' | 'error' | 'usage-limit';

export interface ScreenRule {
  /** Short and unique within its kind ("permission-dialog", "spinner"): `flotilla screen` names the rule that decided. */
  name: string;
  state: ScreenState;
  /** Tested against the region's lines joined with "\n"; add the `m` flag for per-line anchors. */
  pattern: RegExp;
  /** 'last-lines' (default): only the bottom non-empty lines, since old output stays in scrollback above. */
  where?: 'last-lines' | 'anywhere';
  /** With 'last-lines': this rule's own count of bottom lines, for things taller than the kind's default (a dialog, a to-do list). */
  lastLines?: number;
  /** Only when no other rule matches: the bare prompt, which is on screen under every other state too. */
  fallback?: boolean;
}

export interface ContextRule {
  /** Group 1 is a percentage. */
  pattern: RegExp;
  /** Whether the number is the share used or the share left. */
  means: 'used' | 'remaining';
}

export interface ScreenPatterns {
  /** In priority order; among rules that match, the one lowest on screen wins (ties: the earlier rule). */
  rules: ScreenRule[];
  /** How many bottom non-empty lines make up 'last-lines' (default 10). */
  lastLines?: number;
  context?: ContextRule[];
  /** Group 1 is when a usage limit resets, reported with the `usage-limit` state. */
  limitResetsAt?: RegExp;
}
