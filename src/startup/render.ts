import type { StartupProgress } from './progress.js';

/** What the orchestrators' panes are doing, counted from the supervisor's status. */
export interface AgentCounts {
  total: number;
  /** Up and reporting: idle or working. */
  ready: number;
  starting: number;
  /** At a dialog or prompt that needs a person. */
  waiting: number;
  /** Dead, exited, in error or offline. */
  down: number;
}

export interface StartupSnapshot {
  progress?: StartupProgress;
  /** Set once the supervisor is ready and answering. */
  agents?: AgentCounts;
}

const OK = '✓';
const BUSY = '…';
const BAD = '✗';
const WARN = '!';

/**
 * One line that grows as bring-up goes on:
 *   ✓ 4 worktrees  ✓ setup  ✓ panes  … agents ready 2/4
 * Each part is done (✓), in progress (…) or failed (✗); parts not begun are not shown.
 */
export function startupLine(s: StartupSnapshot): string {
  const p = s.progress;
  if (!p) return `${BUSY} starting the supervisor`;
  const parts: string[] = [];
  const worktreesDone = p.worktrees >= p.orchestrators;
  parts.push(worktreesDone ? `${OK} ${p.orchestrators} worktree${p.orchestrators === 1 ? '' : 's'}` : `${BUSY} worktrees ${p.worktrees}/${p.orchestrators}`);
  let prepared = worktreesDone;
  if (p.setup && (p.setup.running > 0 || p.setup.ok > 0 || p.setup.failed.length > 0)) {
    const settled = worktreesDone && p.setup.running === 0;
    prepared = settled;
    if (p.setup.failed.length > 0) parts.push(`${BAD} setup failed: ${p.setup.failed.join(', ')}`);
    else parts.push(settled ? `${OK} setup` : `${BUSY} setup ${p.setup.ok}/${p.setup.ok + p.setup.running}`);
  }
  if (!prepared && p.panes === null) return parts.join('  ');
  parts.push(p.panes === null ? `${BUSY} panes` : `${OK} panes`);
  const a = s.agents;
  if (p.panes !== null) {
    if (!a) parts.push(`${BUSY} agents`);
    else {
      const settled = a.starting === 0;
      const mark = !settled ? BUSY : a.down > 0 ? BAD : a.waiting > 0 ? WARN : OK;
      const extra = [a.waiting > 0 ? `${a.waiting} waiting for you` : '', a.down > 0 ? `${a.down} down` : ''].filter(Boolean).join(', ');
      parts.push(`${mark} agents ready ${a.ready}/${a.total}${extra ? ` (${extra})` : ''}`);
    }
  }
  return parts.join('  ');
}

export function countAgents(orchestrators: readonly { state: string; offline?: boolean }[]): AgentCounts {
  const c: AgentCounts = { total: orchestrators.length, ready: 0, starting: 0, waiting: 0, down: 0 };
  for (const o of orchestrators) {
    if (o.offline || ['dead', 'exited', 'error'].includes(o.state)) c.down++;
    else if (o.state === 'starting') c.starting++;
    else if (o.state === 'waiting-for-human') c.waiting++;
    else c.ready++;
  }
  return c;
}

/** Where the line goes: a terminal. */
export interface LineStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Rewrites one terminal line in place (carriage return, erase line); `end` leaves it and moves on. */
export class StatusLine {
  private shown = '';
  private open = false;
  constructor(private readonly out: LineStream) {}

  show(text: string): void {
    // A line wider than the terminal wraps, and "\r" would then rewrite only its last row.
    const fit = this.out.columns && text.length >= this.out.columns ? `${text.slice(0, this.out.columns - 2)}…` : text;
    if (fit === this.shown && this.open) return;
    this.out.write(`\r\x1b[K${fit}`);
    this.shown = fit;
    this.open = true;
  }

  end(text?: string): void {
    if (text !== undefined) this.show(text);
    if (this.open) this.out.write('\n');
    this.open = false;
  }
}
