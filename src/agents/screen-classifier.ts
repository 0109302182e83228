import type { AgentConfig } from '../mission/schema.js';
import { aiderScreen } from './screens/aider.js';
import { claudeScreen } from './screens/claude.js';
import { codexScreen } from './screens/codex.js';
import { geminiScreen } from './screens/gemini.js';
import { genericScreen } from './screens/generic.js';
import { simScreen } from './screens/sim.js';
import type { ScreenPatterns, ScreenRule, ScreenState } from './screens/types.js';

export type { ScreenState } from './screens/types.js';

/**
 * What a pane's screen says about its agent: the fallback signal when hooks
 * are silent, and the only one for generic agents. Pure: give it the text of
 * `capture-pane -p`.
 */
export type AgentKind = AgentConfig['kind'];

export const SCREEN_PATTERNS: Record<AgentKind, ScreenPatterns> = {
  claude: claudeScreen,
  codex: codexScreen,
  aider: aiderScreen,
  gemini: geminiScreen,
  generic: genericScreen,
  sim: simScreen,
};

export interface ScreenReading {
  state?: ScreenState;
  /** The rule that decided the state, and the screen line where it matched (for waiting-for-human: the question). */
  rule?: string;
  line?: string;
  /** Share of the context window used, 0-100. */
  contextPercent?: number;
  /** When a usage limit resets, as the agent printed it ("4:20am"); only with state `limit`. */
  limitResetsAt?: string;
}

const DEFAULT_LAST_LINES = 10;

export function classifyScreen(kind: AgentKind, screenText: string, patterns: ScreenPatterns = SCREEN_PATTERNS[kind]): ScreenReading {
  const all = screenText
    .replace(ANSI, '')
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  const regions = new Regions(all, patterns.lastLines ?? DEFAULT_LAST_LINES);

  const reading: ScreenReading = {};
  const decided = pickRule(patterns.rules, regions);
  const state = decided?.rule.state;
  if (decided) Object.assign(reading, { state, rule: decided.rule.name, line: all[decided.line]!.trim() });

  const context = lowestContext(patterns, regions.bottom());
  if (context !== undefined) reading.contextPercent = context;

  if (state === 'usage-limit' && patterns.limitResetsAt) {
    const at = lastMatch(patterns.limitResetsAt, regions.bottom())?.match[1]?.trim();
    if (at) reading.limitResetsAt = at;
  }
  return reading;
}

interface Region {
  text: string;
  /** Character offset in `text` where each line starts, and that line's index on the whole screen. */
  starts: number[];
  firstLine: number;
}

/** The screen's regions, each built once, when a rule first asks for it: the whole screen, or its bottom N lines. */
class Regions {
  private readonly byCount = new Map<number, Region>();
  private whole: Region | undefined;

  constructor(
    private readonly all: string[],
    private readonly defaultCount: number,
  ) {}

  bottom(count = this.defaultCount): Region {
    let region = this.byCount.get(count);
    if (!region) {
      const lines = this.all.slice(-count);
      region = regionOf(lines, this.all.length - lines.length);
      this.byCount.set(count, region);
    }
    return region;
  }

  anywhere(): Region {
    return (this.whole ??= regionOf(this.all, 0));
  }

  of(rule: ScreenRule): Region {
    return rule.where === 'anywhere' ? this.anywhere() : this.bottom(rule.lastLines);
  }
}

function regionOf(lines: string[], firstLine: number): Region {
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  return { text: lines.join('\n'), starts, firstLine };
}

/**
 * Among the rules that match, the one whose match is lowest on screen: the
 * newest thing the agent printed (an "API Error" above a later "Baked for 8s"
 * is over). A tie on one line goes to the earlier rule. Fallback rules count
 * only when nothing else matches. `line` is the screen line where the match
 * starts (for a multi-line match, its first line: a dialog's question).
 */
function pickRule(rules: ScreenRule[], regions: Regions): { rule: ScreenRule; line: number } | undefined {
  let best: { rule: ScreenRule; line: number; end: number } | undefined;
  for (const rule of rules) {
    if (rule.fallback) continue;
    const found = lastMatch(rule.pattern, regions.of(rule));
    if (found && (!best || found.endLine > best.end)) best = { rule, line: found.line, end: found.endLine };
  }
  if (best) return best;
  for (const rule of rules) {
    if (!rule.fallback) continue;
    const found = lastMatch(rule.pattern, regions.of(rule));
    if (found) return { rule, line: found.line };
  }
  return undefined;
}

function lowestContext(patterns: ScreenPatterns, region: Region): number | undefined {
  let best: { percent: number; line: number } | undefined;
  for (const rule of patterns.context ?? []) {
    const found = lastMatch(rule.pattern, region);
    const n = Number(found?.match[1]);
    if (!found || !Number.isFinite(n) || n < 0 || n > 100) continue;
    if (!best || found.line > best.line) best = { percent: rule.means === 'used' ? n : 100 - n, line: found.line };
  }
  return best?.percent;
}

const globalCache = new WeakMap<RegExp, RegExp>();

/** The last match in the region, with the screen lines where it starts and ends. */
function lastMatch(pattern: RegExp, region: Region): { match: RegExpExecArray; line: number; endLine: number } | undefined {
  let global = globalCache.get(pattern);
  if (!global) {
    global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    globalCache.set(pattern, global);
  }
  global.lastIndex = 0;
  let last: RegExpExecArray | undefined;
  for (let m = global.exec(region.text); m; m = global.exec(region.text)) {
    last = m;
    if (m[0] === '') global.lastIndex++;
  }
  if (!last) return undefined;
  const lineAt = (offset: number) => {
    let line = 0;
    while (line + 1 < region.starts.length && region.starts[line + 1]! <= offset) line++;
    return region.firstLine + line;
  };
  const end = last.index + Math.max(0, last[0].replace(/\n+$/, '').length - 1);
  return { match: last, line: lineAt(last.index), endLine: lineAt(end) };
}

/** CSI and OSC sequences, in case a screen was captured with `capture-pane -e`. */
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export interface Clock {
  now(): number;
}

export interface DebouncedClassifierOptions {
  debounceMs?: number;
  clock?: Clock;
  /** Override the kind's patterns (tests, user-supplied rules). */
  patterns?: ScreenPatterns;
}

/** States that need a human or a restart: reported on the first screen that shows them. */
const IMMEDIATE = new Set<ScreenState>(['waiting-for-human', 'error', 'usage-limit']);

/**
 * Screens flicker between states mid-redraw (the spinner erased a frame before
 * the "Worked for" line is printed), so a new state is reported only once it
 * has held for `debounceMs`; a permission prompt or an error is reported at once.
 *
 * Feed it screens with `observe`; call `tick` from a timer (due at `pendingUntil`)
 * when no new screen arrives. Both return the newly reported state, if any.
 */
export class DebouncedClassifier {
  readonly debounceMs: number;
  private readonly clock: Clock;
  private readonly patterns: ScreenPatterns;
  private reported: ScreenState | undefined;
  private pending: { state: ScreenState; since: number } | undefined;
  /** The most recent reading, context and limit included. */
  latest: ScreenReading = {};

  constructor(
    readonly kind: AgentKind,
    opts: DebouncedClassifierOptions = {},
  ) {
    this.debounceMs = opts.debounceMs ?? 300;
    this.clock = opts.clock ?? Date;
    this.patterns = opts.patterns ?? SCREEN_PATTERNS[kind];
  }

  /** The last reported state. */
  get state(): ScreenState | undefined {
    return this.reported;
  }

  /** When the pending state will be reported if it keeps holding, or undefined. */
  get pendingUntil(): number | undefined {
    return this.pending ? this.pending.since + this.debounceMs : undefined;
  }

  observe(screenText: string): ScreenState | undefined {
    this.latest = classifyScreen(this.kind, screenText, this.patterns);
    const next = this.latest.state;
    if (next === undefined || next === this.reported) {
      // An unreadable screen (mid-redraw) or the settled state again: whatever was pending did not hold.
      this.pending = undefined;
      return undefined;
    }
    if (IMMEDIATE.has(next)) return this.report(next);
    if (this.pending?.state !== next) this.pending = { state: next, since: this.clock.now() };
    return this.tick();
  }

  tick(): ScreenState | undefined {
    if (!this.pending || this.clock.now() - this.pending.since < this.debounceMs) return undefined;
    return this.report(this.pending.state);
  }

  private report(state: ScreenState): ScreenState {
    this.reported = state;
    this.pending = undefined;
    return state;
  }
}
