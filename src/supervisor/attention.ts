import type { AttentionEvent } from '../tasks/events.js';
import type { PaneState } from './orchestrator-state.js';
import type { OrchestratorRuntime } from './status.js';

/**
 * A pane that needs a person (a dialog, a permission prompt, a usage limit)
 * is said where the user looks: the pane title, `status`, the log and the
 * event log, and `up --wait`'s output. This is what is said.
 */
export interface Waiting {
  question: string;
  since: number;
}

const MAX_QUESTION = 200;

export interface AttentionSink {
  log(message: string): void;
  /** Append to the event log (failures are the sink's to report). */
  record(event: AttentionEvent): unknown;
  heldTask(orchestrator: string): string | undefined;
  attachHint(pane: string | undefined): string;
}

/**
 * Called with each newly derived pane state: says once, in the log and the
 * event log, that a pane waits for a person and what it asks, and again when
 * it no longer does. Keeps `rt.waiting` for status and the pane title.
 */
export function attend(rt: OrchestratorRuntime, next: PaneState, now: number, sink: AttentionSink): void {
  const question = next === 'waiting-for-human' ? questionOf(rt) : undefined;
  if (question === rt.waiting?.question) return;
  const name = rt.orchestrator.name;
  const task = sink.heldTask(name) ?? '-';
  const pane = rt.pane ? { pane: rt.pane } : {};
  if (question !== undefined) {
    // The hook's words come a moment before the screen's question: the same dialog, said better.
    const sameDialog = rt.waiting !== undefined && now - rt.waiting.since < 2000;
    rt.waiting = { question, since: rt.waiting?.since ?? now };
    if (sameDialog) return;
    sink.log(`${name}: waiting for you — "${question}" — attach: ${sink.attachHint(rt.pane)}`);
    sink.record({ event: 'attention', ts: now, task, orchestrator: name, from: rt.state, to: 'waiting-for-human', question, ...pane });
    return;
  }
  rt.waiting = undefined;
  sink.log(`${name}: no longer waiting (now ${next})`);
  sink.record({ event: 'attention', ts: now, task, orchestrator: name, from: 'waiting-for-human', to: next, ...pane });
}

/** The question on screen (the classifier's deciding line) or, before the screen is read, the hook's message. */
export function questionOf(rt: Pick<OrchestratorRuntime, 'screen' | 'heartbeat' | 'seenAt'>): string {
  const screen = rt.screen;
  const fromScreen = screen && screen.at >= rt.seenAt && (screen.state === 'waiting-for-human' || screen.state === 'usage-limit') ? screen.line : undefined;
  const fromHook = rt.heartbeat?.state === 'waiting-for-human' ? rt.heartbeat.note : undefined;
  return printable(fromScreen !== undefined ? questionIn(fromScreen) : (fromHook ?? 'needs you (see the pane)'));
}

/**
 * The question itself from a screen line: box edges dropped, and of a long
 * line ("Quick safety check: Is this a project you created or one you trust?
 * (Like your own code, …") the sentence that asks.
 */
export function questionIn(line: string): string {
  const bare = line.replace(/^[\s│┃║▌█]+|[\s│┃║▌█]+$/g, '');
  const asked = /(?:^|[.:!]\s+)([^.:!?]*\?)/.exec(bare)?.[1]?.trim();
  return asked && asked.length >= 8 ? asked : bare;
}

/** One line, no control characters, bounded: it goes into titles, logs and terminals. */
export function printable(text: string, max = MAX_QUESTION): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The pane-border label: tmux would read `#` in a border as a format or a style. */
export function waitingLabel(question: string): string {
  return `waiting-for-human: ${printable(question, 48).replace(/#/g, '')}`;
}

/** What a person types to get to that pane. */
export function attachHint(tmuxPrefix: string[], session: string, pane: string | undefined): string {
  const tmux = ['tmux', ...tmuxPrefix].join(' ');
  return pane ? `${tmux} attach -t ${session} \\; select-window -t ${pane} \\; select-pane -t ${pane}` : `${tmux} attach -t ${session}`;
}

/** Lines of nothing but rules, box edges and prompt characters say nothing about what happened. */
const DECORATION = /^[\s─━═│┃║╭╮╰╯┌┐└┘❯>›$#%·•*-]*$/;
/** tmux's own line under a dead pane (remain-on-exit). */
const TMUX_DEAD = /^Pane is dead \(/;

/** The last lines of a screen that say something (an error, a question), at most `count`. */
export function meaningfulLines(lines: string[] | undefined | null, count = 3): string[] {
  // The same line again and again is a respawned agent failing the same way (history keeps each run).
  const said = (lines ?? []).filter((l, i, all) => !DECORATION.test(l) && !TMUX_DEAD.test(l) && l !== all[i - 1]);
  return said.filter((l, i) => l !== said[i - 1]).slice(-count).map((l) => printable(l, 120));
}

/** `; its screen ends: a / b / c`, or nothing when the screen said nothing. */
export function quoteScreen(lines: string[] | undefined | null): string {
  const last = meaningfulLines(lines);
  return last.length > 0 ? `; its screen ends: ${last.join(' / ')}` : '';
}
