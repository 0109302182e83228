import type { Mission } from '../mission/schema.js';
import { agentChecks } from './agent-checks.js';
import { toolChecks } from './tool-checks.js';
import { workspaceChecks } from './workspace-checks.js';
import { flotillaHome, missionSocket } from '../core/paths.js';

/**
 * Everything that can be known to fail before anything starts: checked by
 * `up`, `run` and `demo` (which refuse with exit 2, having created nothing)
 * and listed by `flotilla doctor`. Each check is cheap: a file read or one
 * short process.
 */
export interface CheckResult {
  /** Short and stable: "agent-command", "claude-trust", ... */
  check: string;
  ok: boolean;
  /** What was found, one line. */
  message: string;
  /** One line saying what to run or change; with every problem. */
  fix?: string;
  /** The orchestrators it concerns (agent checks). */
  orchestrators?: string[];
}

export interface PreflightOptions {
  /** The environment `up` runs in (the agents' base environment). */
  env?: NodeJS.ProcessEnv;
  /** The command as the user typed it, for fixes ("./bin/flotilla" or "flotilla"). */
  invokedAs?: string;
  /** What to run to start with trust recorded: the user's own command plus --trust. */
  trustCommand?: string;
  uid?: number;
  /** Where running supervisors are registered, and the tmux server this mission would use. */
  home?: string;
  socket?: string;
}

export interface PreflightContext {
  mission: Mission;
  env: NodeJS.ProcessEnv;
  invokedAs: string;
  trustCommand: string;
  uid: number;
  home: string;
  socket: string | undefined;
}

export type Check = (ctx: PreflightContext) => Promise<CheckResult[]>;

const CHECKS: Check[] = [toolChecks, workspaceChecks, agentChecks];

export async function runPreflight(mission: Mission, opts: PreflightOptions = {}): Promise<CheckResult[]> {
  const ctx: PreflightContext = {
    mission,
    env: opts.env ?? process.env,
    invokedAs: opts.invokedAs ?? 'flotilla',
    trustCommand: opts.trustCommand ?? `${opts.invokedAs ?? 'flotilla'} up --trust`,
    uid: opts.uid ?? process.getuid?.() ?? -1,
    home: opts.home ?? flotillaHome(opts.env),
    socket: missionSocket(opts.socket, mission, opts.env),
  };
  return (await Promise.all(CHECKS.map((check) => check(ctx)))).flat();
}

export function problems(results: CheckResult[]): CheckResult[] {
  return results.filter((r) => !r.ok);
}
