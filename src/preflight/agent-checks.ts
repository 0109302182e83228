import { constants } from 'node:fs';
import { access, realpath } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { bypassAccepted, claudeConfigPaths, readJsonFile, recordTrust, sandboxed, trustedAncestor, wantsBypass } from '../agents/claude-config.js';
import { agentCommand } from '../agents/launch.js';
import { shellWord } from '../core/shell-words.js';
import type { Mission, Orchestrator } from '../mission/schema.js';
import type { CheckResult, PreflightContext } from './preflight.js';

/** Each orchestrator's agent can start, and Claude will not stop at a start-up dialog nobody sees. */
export async function agentChecks(ctx: PreflightContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const withCommand = ctx.mission.orchestrators.filter((o) => agentCommand(o.agent) !== undefined);
  // One check per command and PATH it is looked up on.
  for (const group of groupBy(withCommand, (o) => `${agentCommand(o.agent)}\0${agentEnv(ctx, o).PATH ?? ''}`).values()) {
    results.push(await commandCheck(ctx, agentCommand(group[0]!.agent)!, group));
  }
  const claudes = ctx.mission.orchestrators.filter((o) => o.agent.kind === 'claude');
  for (const [file, group] of groupBy(claudes, (o) => claudeConfigPaths(agentEnv(ctx, o)).global)) {
    results.push(...(await claudeChecks(ctx, file, group)));
  }
  return results;
}

/** The environment an orchestrator's agent starts with: up's own, overlaid with the mission's agent.env. */
function agentEnv(ctx: Pick<PreflightContext, 'env'>, o: Orchestrator): NodeJS.ProcessEnv {
  return { ...ctx.env, ...o.agent.env };
}

async function commandCheck(ctx: PreflightContext, command: string, group: Orchestrator[]): Promise<CheckResult> {
  const names = group.map((o) => o.name);
  const found = await which(command, agentEnv(ctx, group[0]!).PATH ?? '', ctx.mission.repo);
  if (found) return { check: 'agent-command', ok: true, message: found === command ? found : `${command}: ${found}`, orchestrators: names };
  const kind = group[0]!.agent.kind;
  return {
    check: 'agent-command',
    ok: false,
    message: `${kind} agent command "${command}" is not found on PATH (orchestrators ${names.join(', ')})`,
    fix: `install ${command}, or set agent.command in ${ctx.mission.file} to its full path`,
    orchestrators: names,
  };
}

async function claudeChecks(ctx: PreflightContext, file: string, group: Orchestrator[]): Promise<CheckResult[]> {
  const names = group.map((o) => o.name);
  const env = agentEnv(ctx, group[0]!);
  const config = await readJsonFile(file);
  if (config.found && 'error' in config) {
    return [{ check: 'claude-config', ok: false, message: `Claude Code's config ${file} cannot be read: ${config.error}`, fix: `repair ${file} (Claude Code rewrites it on start)`, orchestrators: names }];
  }
  const value = config.found ? config.value : {};
  const repo = ctx.mission.repo;
  const results: CheckResult[] = [];
  const trusted = trustedAncestor(value, repo) ?? trustedAncestor(value, await realpath(repo).catch(() => repo));
  results.push(
    trusted
      ? { check: 'claude-trust', ok: true, message: `Claude Code trusts ${trusted}${trusted === repo ? '' : ` (covers ${repo})`}`, orchestrators: names }
      : {
          check: 'claude-trust',
          ok: false,
          message: `Claude Code does not trust ${repo} yet (${file}): every pane would stop at "Is this a project you created or one you trust?"`,
          fix: `run "${ctx.trustCommand}" to record the trust, or run claude once in ${repo} and choose "Yes, I trust this folder"`,
          orchestrators: names,
        },
  );
  const key = apiKeyCheck(env, value, file, names);
  if (key) results.push(key);
  const bypass = group.filter((o) => wantsBypass(o.agent.args ?? []));
  if (bypass.length > 0) {
    const settings = await readJsonFile(claudeConfigPaths(env).userSettings);
    const accepted = bypassAccepted(value, settings.found && 'value' in settings ? settings.value : undefined);
    const who = bypass.map((o) => o.name);
    results.push(
      accepted
        ? { check: 'claude-bypass', ok: true, message: 'bypass-permissions mode was accepted in Claude Code', orchestrators: who }
        : {
            check: 'claude-bypass',
            ok: false,
            message: `bypass-permissions mode was never accepted in Claude Code: panes ${who.join(', ')} would stop at its warning ("No, exit / Yes, I accept")`,
            fix: `run "${await byHand(ctx, bypass[0]!)} --dangerously-skip-permissions" once in a terminal and choose "Yes, I accept", or use --permission-mode acceptEdits`,
            orchestrators: who,
          },
    );
    const unsandboxed = bypass.filter((o) => !sandboxed(agentEnv(ctx, o)));
    if (ctx.uid === 0 && unsandboxed.length > 0) {
      results.push({
        check: 'claude-root',
        ok: false,
        message: `running as root, Claude Code refuses bypass-permissions mode and exits at once (panes ${unsandboxed.map((o) => o.name).join(', ')})`,
        fix: `if this machine is a sandbox, add IS_SANDBOX: "1" to agent.env in ${ctx.mission.file}; otherwise run as a normal user or drop bypass mode`,
        orchestrators: unsandboxed.map((o) => o.name),
      });
    }
  }
  return results;
}

/**
 * Claude Code asks "Do you want to use this API key?" (default: No) for an
 * ANTHROPIC_API_KEY it has not been told about; its answer is kept by the
 * key's last 20 characters in customApiKeyResponses.
 */
function apiKeyCheck(env: NodeJS.ProcessEnv, config: Record<string, unknown>, file: string, names: string[]): CheckResult | undefined {
  const key = env.ANTHROPIC_API_KEY;
  if (!key) return undefined;
  const responses = (config.customApiKeyResponses ?? {}) as { approved?: unknown; rejected?: unknown };
  const has = (list: unknown) => Array.isArray(list) && list.includes(key.slice(-20));
  const shown = `ANTHROPIC_API_KEY (…${key.slice(-4)})`;
  if (has(responses.approved)) return { check: 'claude-api-key', ok: true, message: `Claude Code uses ${shown}`, orchestrators: names };
  const rejected = has(responses.rejected);
  return {
    check: 'claude-api-key',
    ok: false,
    message: rejected
      ? `Claude Code was told not to use ${shown} (${file}): the agents would start without it and ask you to log in`
      : `Claude Code has not been told to use ${shown} yet (${file}): every pane would stop at "Do you want to use this API key?" (default: No)`,
    fix: `run claude once in a terminal with this ANTHROPIC_API_KEY and choose "Yes"${rejected ? ' (run /logout first to be asked again)' : ''}, or unset ANTHROPIC_API_KEY to use your claude login`,
    orchestrators: names,
  };
}

/**
 * `flotilla up --trust`: record trust in each Claude config the mission's
 * Claude agents use, for the repository and for every worktree Flotilla makes
 * (some Claude versions check the exact folder when its project settings hold
 * hooks or allow rules). Returns one line per config file changed.
 */
export async function recordMissionTrust(mission: Mission, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const lines: string[] = [];
  const claudes = mission.orchestrators.filter((o) => o.agent.kind === 'claude');
  for (const [file, group] of groupBy(claudes, (o) => claudeConfigPaths(agentEnv({ env }, o)).global)) {
    const dirs = [mission.repo, ...group.map((o) => join(mission.worktreesDir, o.name))];
    const added = await recordTrust(file, dirs);
    if (added.length > 0) lines.push(`recorded trust in ${file} for ${added.join(', ')}`);
  }
  return lines;
}

/** The agent's command as a person would type it, with the environment that decides where Claude keeps its config. */
async function byHand(ctx: PreflightContext, o: Orchestrator): Promise<string> {
  const env = agentEnv(ctx, o);
  const command = agentCommand(o.agent)!;
  const path = (await which(command, env.PATH ?? '', ctx.mission.repo)) ?? command;
  const vars = ['CLAUDE_CONFIG_DIR', 'HOME'].filter((k) => o.agent.env?.[k] !== undefined).map((k) => `${k}=${shellWord(o.agent.env![k]!)}`);
  if (ctx.uid === 0) vars.push('IS_SANDBOX=1');
  return [...vars, shellWord(path)].join(' ');
}

/** The executable `command` resolves to (absolute, relative to `cwd`, or on PATH), or undefined. */
async function which(command: string, path: string, cwd: string): Promise<string | undefined> {
  const candidates = command.includes('/') ? [isAbsolute(command) ? command : resolve(cwd, command)] : path.split(delimiter).filter(Boolean).map((d) => join(d, command));
  for (const file of candidates) {
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}
