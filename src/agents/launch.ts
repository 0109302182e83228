import type { AgentConfig } from '../mission/schema.js';
import { flotillaArgv } from '../core/package-root.js';

/**
 * The only code that knows how each agent CLI is started. Returns argv for
 * the pane's own command: never a shell string built from user text.
 */
export interface LaunchContext {
  /** A file holding the role's prompt (long text stays out of tmux's 16 KiB command limit). */
  rolePromptFile: string;
}

export interface AgentLaunch {
  argv: string[];
  env: Record<string, string>;
}

const DEFAULT_COMMANDS: Record<AgentConfig['kind'], string | undefined> = {
  claude: 'claude',
  codex: 'codex',
  aider: 'aider',
  gemini: 'gemini',
  generic: undefined,
  sim: undefined,
};

/** The executable an agent's pane runs (resolved on PATH unless it holds a "/"); undefined for the built-in sim. */
export function agentCommand(agent: AgentConfig): string | undefined {
  if (agent.kind === 'sim') return undefined;
  return agent.command ?? DEFAULT_COMMANDS[agent.kind] ?? 'sh';
}

/** A constant script; the command, the prompt file and the arguments arrive as positional parameters. */
const WITH_PROMPT_FILE = 'cmd=$1; flag=$2; file=$3; shift 3; exec "$cmd" "$flag" "$(cat "$file")" "$@"';

export function agentLaunch(agent: AgentConfig, ctx: LaunchContext): AgentLaunch {
  const env = agent.env ?? {};
  const args = [...(agent.args ?? [])];
  switch (agent.kind) {
    case 'sim':
      // The stand-in reports through `flotilla done`, the same channel a real agent uses.
      return { argv: [...flotillaArgv(), 'sim-agent', ...args], env: { FLOTILLA_SIM_REPORT: '1', ...env } };
    case 'generic':
      return { argv: [agent.command ?? 'sh', ...args], env };
    case 'claude': {
      const model = agent.model ? ['--model', agent.model] : [];
      const cmd = agent.command ?? DEFAULT_COMMANDS.claude!;
      return { argv: ['sh', '-c', WITH_PROMPT_FILE, 'flotilla-agent', cmd, '--append-system-prompt', ctx.rolePromptFile, ...model, ...args], env };
    }
    case 'codex':
    case 'aider':
    case 'gemini':
      return { argv: [agent.command ?? DEFAULT_COMMANDS[agent.kind]!, ...(agent.model ? ['--model', agent.model] : []), ...args], env };
  }
}
