import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { installClaudeHooks } from '../agents/claude-hooks.js';
import { agentLaunch } from '../agents/launch.js';
import type { AgentEnv } from '../core/agent-env.js';
import { FlotillaError } from '../core/errors.js';
import { ensurePrivateDir } from '../core/private-dir.js';
import { shellQuote } from '../core/shell-words.js';
import { flotillaArgv } from '../core/package-root.js';
import type { MissionPaths } from '../core/paths.js';
import { ensureExcluded, ensureWorktrees } from '../git/worktree.js';
import { repoRoot, verifyBranch } from '../git/git.js';
import { runSetup } from '../git/setup.js';
import { redact, secretValues } from './logger.js';
import { loadLayout } from '../layout/catalog.js';
import { tint } from '../mission/palette.js';
import type { Mission, Orchestrator } from '../mission/schema.js';
import { loadRoles, type Role } from '../roles/catalog.js';
import type { FleetSpec, PaneSpec } from '../tmux/fleet.js';
import type { StartupStep } from '../startup/progress.js';
import { mapLimit } from './map-limit.js';
import { heartbeatFile } from './heartbeat-watcher.js';
import { withShimArgv, writeShim } from './path-shim.js';

export interface Workspace {
  orchestrator: Orchestrator;
  worktree: string;
  branch: string;
  created: boolean;
  setup: 'ok' | 'failed' | 'skipped';
  /** What failed and the log to read: said in status; such an orchestrator takes no tasks. */
  setupFailure?: { step: string; log: string };
}

export function branchFor(mission: string, orchestrator: string): string {
  return `flotilla/${mission}/${orchestrator}`;
}

/**
 * One worktree per orchestrator on its own branch from the base (one look at
 * the repository, then the adds, under its lock); the mission's setup steps
 * run in each new one, four at a time, output logged.
 * Existing worktrees are adopted as they are, except that one whose setup
 * failed last time runs it again (the user fixed the cause and ran `up`).
 */
export async function prepareWorktrees(
  mission: Mission,
  paths: MissionPaths,
  log: (m: string) => void,
  onStep: (s: StartupStep) => void = () => {},
  onCreated: (path: string, branch: string) => void = () => {},
): Promise<Workspace[]> {
  const repo = await repoRoot(mission.repo);
  if (!(await verifyBranch(repo, mission.base))) {
    throw new FlotillaError({ reason: 'unknown-base-branch', repo, base: mission.base });
  }
  await ensureExcluded(repo, mission.worktreesDir);
  const made = await ensureWorktrees(
    repo,
    mission.base,
    mission.orchestrators.map((o) => ({ path: join(mission.worktreesDir, o.name), branch: branchFor(mission.name, o.name) })),
    { adoptBranch: (b) => b.startsWith(`flotilla/${mission.name}/`), onCreated },
  );
  const secrets = secretValues(mission.orchestrators.map((o) => o.agent.env));
  return mapLimit(mission.orchestrators, 4, async (o, i) => {
    const wt = made[i]!;
    log(`${o.name}: worktree ${wt.path} on ${wt.branch} (${wt.created ? 'created' : 'adopted'})`);
    const logFile = join(paths.setupLogs, `${o.name}.log`);
    const failedMark = `${logFile}.failed`;
    const runsSetup = hasSetup(mission) && (wt.created || existsSync(failedMark));
    onStep({ step: 'worktree', orchestrator: o.name, setup: runsSetup });
    const ws: Workspace = { orchestrator: o, worktree: wt.path, branch: wt.branch, created: wt.created, setup: 'skipped' };
    if (!runsSetup) return ws;
    const result = await runSetup({ repo, worktree: wt.path, copy: mission.setup.copy, run: mission.setup.run, logFile, redact: (t) => redact(t, secrets) });
    onStep({ step: 'setup', orchestrator: o.name, ok: result.ok });
    if (result.ok) {
      await rm(failedMark, { force: true });
      log(`${o.name}: setup done (${logFile})`);
      return { ...ws, setup: 'ok' };
    }
    const failure = `"${result.failed?.step}" exited ${result.failed?.exitCode}`;
    await writeFile(failedMark, `${failure}\n`, { mode: 0o600 });
    log(`${o.name}: setup FAILED: ${failure}; it takes no tasks; see ${logFile}; fix the cause, then "down" and "up" again run setup again`);
    return { ...ws, setup: 'failed', setupFailure: { step: failure, log: logFile } };
  });
}

export function hasSetup(mission: Mission): boolean {
  return mission.setup.copy.length > 0 || mission.setup.run.length > 0;
}

/** What tmux must show: each orchestrator's pane running its agent in its worktree with its FLOTILLA_* environment. */
export async function fleetSpec(
  mission: Mission,
  workspaces: Workspace[],
  ctx: { paths: MissionPaths; home: string; socket: string | undefined; session: string; roles: Map<string, Role> },
): Promise<FleetSpec> {
  const roles = ctx.roles;
  const shim = await writeShim(ctx.paths.dir);
  const panes: PaneSpec[] = [];
  for (const ws of workspaces) {
    const o = ws.orchestrator;
    const rolePromptFile = join(ctx.paths.dir, 'roles', `${o.name}.md`);
    await mkdir(dirname(rolePromptFile), { recursive: true, mode: 0o700 });
    await writeFile(rolePromptFile, roles.get(o.role)?.prompt ?? '', { mode: 0o600 });
    const launch = agentLaunch(o.agent, { rolePromptFile });
    if (o.agent.kind === 'claude') {
      const [nodePath, flotillaBin] = flotillaArgv();
      await installClaudeHooks({ worktree: ws.worktree, nodePath: nodePath!, flotillaBin: flotillaBin! });
    }
    const env: AgentEnv = {
      FLOTILLA_MISSION: mission.name,
      FLOTILLA_ORCHESTRATOR: o.name,
      FLOTILLA_HOME: ctx.home,
      FLOTILLA_CONTROL_SOCKET: ctx.paths.controlSocket,
      FLOTILLA_HEARTBEAT_FILE: heartbeatFile(ctx.paths.heartbeats, o.name),
      // The launcher, not bin/flotilla: its done and fail need no node start (path-shim.ts).
      FLOTILLA_BIN: join(shim, 'flotilla'),
      ...(ctx.socket ? { FLOTILLA_TMUX_SOCKET: ctx.socket } : {}),
    };
    // `flotilla` resolves inside the pane whatever the user's PATH holds (see path-shim.ts).
    const argv = withShimArgv(shim, launch.env.PATH ?? process.env.PATH, launch.argv);
    const { file, rest } = await writeEnvFile(join(ctx.paths.dir, 'env', `${o.name}.sh`), launch.env);
    panes.push({ name: o.name, index: o.index, role: o.role, color: o.color, cwd: ws.worktree, env: { ...rest, ...env }, argv: [...SOURCE_ENV, file, ...argv] });
  }
  const backgrounds = mission.paneBackground ? new Map(mission.orchestrators.map((o) => [o.name, tint(o.color, 0.88)])) : undefined;
  return {
    session: ctx.session,
    layout: loadLayout(mission.layout),
    status: { argv: ['tail', '-n', '+1', '-F', ctx.paths.log], cwd: mission.repo },
    panes,
    backgrounds,
  };
}

/**
 * The agent's own environment (the mission's agent.env: API keys, tokens) goes
 * through a 0600 file the pane's shell reads, never through tmux's argv: the
 * server keeps the command line that started it for its whole life, and `ps`
 * shows it to every local user. Names a shell cannot export stay in `rest`.
 */
async function writeEnvFile(file: string, env: Record<string, string>): Promise<{ file: string; rest: Record<string, string> }> {
  const rest: Record<string, string> = {};
  const lines: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) lines.push(`export ${k}=${shellQuote(v)}`);
    else rest[k] = v;
  }
  await ensurePrivateDir(dirname(file));
  await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return { file, rest };
}

/** `sh -c '. FILE && exec ARGV…'`: the pane's command, with the environment file read first. */
const SOURCE_ENV = ['/bin/sh', '-c', '. "$0" && exec "$@"'];

/** The built-in roles plus a roles/ directory beside the mission file. */
export function missionRoles(mission: Mission): Promise<Map<string, Role>> {
  return loadRoles([join(dirname(mission.file), 'roles')]);
}
