import { invokedAs } from './invoked-as.js';

/**
 * Expected failures are data: a `reason` plus the facts needed to explain it.
 * They are rendered to the user in one place (`describeFailure`), so every
 * message reads the same way and the switch stays exhaustive.
 */
export type Failure =
  | { reason: 'tmux-not-found' }
  | { reason: 'tmux-failed'; subcommand: string; stderr: string }
  | { reason: 'git-failed'; subcommand: string; cwd: string; stderr: string }
  | { reason: 'not-a-git-repo'; dir: string }
  | { reason: 'unknown-base-branch'; repo: string; base: string }
  | { reason: 'git-not-found' }
  | { reason: 'unknown-ref'; repo: string; ref: string }
  | { reason: 'worktree-conflict'; path: string; branch: string; detail: string }
  | { reason: 'invalid-mission'; file: string; messages: string[] }
  | { reason: 'mission-not-found'; file: string }
  | { reason: 'already-running'; mission: string; pid: number; session: string; socket?: string | null }
  | { reason: 'not-running'; mission: string }
  /** `attach` from a pane of one tmux server to a session on another. */
  | { reason: 'inside-other-tmux'; session: string; attach: string }
  | { reason: 'ambiguous-mission'; missions: string[] }
  | { reason: 'supervisor-unreachable'; mission: string; detail: string }
  /** Carried out by the supervisor, but not on disk yet (a full disk): lost if it stops before there is room. */
  | { reason: 'not-written'; mission: string; requestId?: string; detail: string }
  /** The request reached the supervisor, but no answer came: it may have been carried out. */
  | { reason: 'outcome-unknown'; mission: string; requestId: string; detail: string; seconds: number }
  | { reason: 'supervisor-failed'; mission: string; log: string; tail: string }
  | { reason: 'not-in-pane'; command: string }
  /** An agent's done/fail/note could not be written (a full disk): nothing was sent. */
  | { reason: 'signal-not-written'; command: string; detail: string }
  | { reason: 'preflight-failed'; problems: { message: string; fix?: string }[] }
  | { reason: 'usage'; message: string };

export class FlotillaError extends Error {
  constructor(readonly failure: Failure) {
    super(describeFailure(failure));
    this.name = 'FlotillaError';
  }
}

/** Thrown when the message has already been printed; carries the exit code. */
export class ReportedError extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ReportedError';
  }
}

/** A bug in Flotilla itself, never the user's fault. */
export class InternalError extends Error {
  override name = 'InternalError';
}

const onSocket = (socket: string | null | undefined) => (socket ? ` --socket ${socket}` : '');

/** Exit codes: 0 ok, 1 failure, 2 usage or invalid input. */
export function exitCodeFor(failure: Failure): number {
  switch (failure.reason) {
    case 'invalid-mission':
    case 'mission-not-found':
    case 'usage':
    case 'ambiguous-mission':
    case 'not-in-pane':
    case 'preflight-failed':
      return 2;
    default:
      return 1;
  }
}

/** The pane variables an agent-side command needs that this environment lacks (see agent-env.ts). */
function missingPaneVars(env: NodeJS.ProcessEnv = process.env): string[] {
  return ['FLOTILLA_MISSION', 'FLOTILLA_ORCHESTRATOR', 'FLOTILLA_HOME', 'FLOTILLA_HEARTBEAT_FILE'].filter((k) => !env[k]);
}

export function describeFailure(f: Failure): string {
  switch (f.reason) {
    case 'tmux-not-found':
      return 'tmux is not installed or not on PATH. Install it (Debian: apt-get install -y tmux) and try again.';
    case 'tmux-failed':
      return `tmux ${f.subcommand} failed: ${f.stderr.trim() || 'no message'}`;
    case 'git-failed':
      return `git ${f.subcommand} failed in ${f.cwd}: ${f.stderr.trim() || 'no message'}`;
    case 'not-a-git-repo':
      return `${f.dir} is not inside a git repository. Point the mission's "repo:" at a git checkout, or run "git init" there.`;
    case 'unknown-base-branch':
      return `base branch "${f.base}" does not exist in ${f.repo}. Create it, or set "base:" in the mission to an existing branch.`;
    case 'git-not-found':
      return 'git is not installed or not on PATH. Install it (Debian: apt-get install -y git) and try again.';
    case 'unknown-ref':
      return `"${f.ref}" does not name a commit in ${f.repo}.`;
    case 'worktree-conflict':
      return `cannot use ${f.path} as the worktree for branch "${f.branch}": ${f.detail}. ${f.detail.includes('not a worktree') ? 'Move or delete that folder' : `Remove it with "git worktree remove ${f.path}" if nothing runs there`}, or choose another orchestrator name.`;
    case 'invalid-mission':
      return f.messages.join('\n');
    case 'mission-not-found':
      return `mission file ${f.file} not found. Pass a mission file (${invokedAs()} up path/to/mission.yaml) or create ./flotilla.yaml.`;
    case 'already-running':
      return `mission "${f.mission}" is already running (supervisor pid ${f.pid}, tmux session ${f.session}). Attach with "${invokedAs()} attach ${f.mission}${onSocket(f.socket)}", or stop it first with "${invokedAs()} down ${f.mission}${onSocket(f.socket)}".`;
    case 'not-running':
      return `mission "${f.mission}" is not running. Start it with "${invokedAs()} up".`;
    case 'inside-other-tmux':
      return [
        `session ${f.session} runs on another tmux server than the one this terminal is in, and tmux does not nest sessions unasked.`,
        `  detach first (your prefix, then d) and run:  ${f.attach}`,
        `  or nest it in this pane:                    TMUX= ${f.attach}`,
      ].join('\n');
    case 'ambiguous-mission':
      return `several missions are running (${f.missions.join(', ')}); name one.`;
    case 'supervisor-unreachable':
      return `cannot reach the supervisor of "${f.mission}": ${f.detail}`;
    case 'not-written':
      return [
        `the supervisor of "${f.mission}" did it, but ${f.detail}. Free some space: it is written then.`,
        ...(f.requestId ? [`  to check, run the same command with --request-id ${f.requestId} (it prints the task, and adds it only if it is not there).`] : []),
      ].join('\n');
    case 'outcome-unknown':
      return [
        `outcome unknown: the supervisor of "${f.mission}" got the request but did not answer within ${f.seconds}s (${f.detail}); the task may or may not have been added.`,
        `  to retry safely, run the same command with --request-id ${f.requestId} (it adds the task only if it was not added, and prints it either way).`,
      ].join('\n');
    case 'supervisor-failed':
      return `the supervisor of "${f.mission}" stopped during start-up. Its log (${f.log}) ends with:\n${f.tail}`;
    case 'signal-not-written':
      return `"flotilla ${f.command}" was not recorded: ${f.detail}. Nothing was sent; run the same command again in a moment.`;
    case 'not-in-pane':
      return `"flotilla ${f.command}" is meant to run inside a Flotilla pane (${missingPaneVars().join(', ') || 'FLOTILLA_MISSION'} not set).`;
    case 'preflight-failed':
      return [
        `${f.problems.length === 1 ? 'a problem' : `${f.problems.length} problems`} found before starting; nothing was started:`,
        ...f.problems.flatMap((p) => [`  ✗ ${p.message}`, ...(p.fix ? [`    fix: ${p.fix}`] : [])]),
      ].join('\n');
    case 'usage':
      return f.message;
  }
}
