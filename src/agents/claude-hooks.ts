import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { Git } from '../git/git.js';
import { CLAUDE_HOOK_EVENTS, type ClaudeHookEvent } from './hook-events.js';
import { shellQuote } from '../core/shell-words.js';
import { isRecord } from './claude-config.js';

/**
 * Claude Code's hooks report each turn to Flotilla: `.claude/settings.local.json`
 * in the worktree runs `flotilla hook <Event>` on every event, and allows the
 * agent-side `flotilla` commands without a permission prompt. That file is
 * Claude's "local, not committed" settings, so the user's own keys, hooks and
 * rules in it are kept; only Flotilla's entries are replaced or added, and
 * installing twice writes the same file.
 */
export interface ClaudeHooksOptions {
  worktree: string;
  /** The Flotilla entry point to run (bin/flotilla). */
  flotillaBin: string;
  /** The node binary that runs it (process.execPath): hooks run with Claude's PATH, which may lack ours. */
  nodePath: string;
}

export const CLAUDE_SETTINGS_FILE = join('.claude', 'settings.local.json');

/** Seconds Claude gives one hook before killing it; the hook itself takes milliseconds. */
const HOOK_TIMEOUT_S = 10;

interface HookCommand {
  type: string;
  command?: string;
  [key: string]: unknown;
}

interface MatcherGroup {
  matcher?: string;
  hooks?: HookCommand[];
  [key: string]: unknown;
}

export async function installClaudeHooks(opts: ClaudeHooksOptions): Promise<void> {
  const file = join(opts.worktree, CLAUDE_SETTINGS_FILE);
  const settings = await readSettings(file);
  const merged = mergeFlotillaAllowRules(mergeFlotillaHooks(settings, (event) => hookCommand(opts.nodePath, opts.flotillaBin, event)));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(merged, null, 2)}\n`);
  await excludeFromGit(opts.worktree, '/.claude/settings.local.json');
}

/** The shell command for one event. Single quotes: nothing in a path ($, `, \, ") is expanded. */
export function hookCommand(nodePath: string, flotillaBin: string, event: ClaudeHookEvent): string {
  return `${shellQuote(nodePath)} ${shellQuote(flotillaBin)} hook ${event}`;
}

/**
 * A command Flotilla wrote, whatever paths it had then (Flotilla moved, another
 * node): a single-quoted word, anything, then ` hook <Event>` at the very end.
 */
const FLOTILLA_COMMAND = new RegExp(`^'.*' hook (?:${CLAUDE_HOOK_EVENTS.join('|')})$`, 's');

export function isFlotillaHookCommand(command: unknown): boolean {
  return typeof command === 'string' && FLOTILLA_COMMAND.test(command);
}

/** `settings` with Flotilla's hook for every event replaced by `command(event)`; everything else kept. */
export function mergeFlotillaHooks(settings: Record<string, unknown>, command: (event: ClaudeHookEvent) => string): Record<string, unknown> {
  const hooks = isRecord(settings.hooks) ? { ...settings.hooks } : {};
  for (const event of CLAUDE_HOOK_EVENTS) {
    const groups = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    const kept: unknown[] = [];
    for (const group of groups) {
      if (!isRecord(group) || !Array.isArray(group.hooks)) {
        kept.push(group);
        continue;
      }
      const own = (group.hooks as unknown[]).filter((h) => !(isRecord(h) && isFlotillaHookCommand(h.command)));
      if (own.length === group.hooks.length) kept.push(group);
      else if (own.length > 0) kept.push({ ...group, hooks: own });
    }
    const ours: MatcherGroup = { hooks: [{ type: 'command', command: command(event), timeout: HOOK_TIMEOUT_S }] };
    hooks[event] = [...kept, ours];
  }
  return { ...settings, hooks };
}

/**
 * The commands an agent runs to report to Flotilla. Without allow rules each
 * one stops at Claude's permission prompt, in every pane, for every task.
 */
export const AGENT_SIDE_COMMANDS = ['done', 'fail', 'note', 'heartbeat'] as const;

/**
 * What every task's prompt asks for besides reporting: commit the work on the
 * task branch, in the agent's own worktree. Without these, an agent with the
 * user's `acceptEdits` stops at "Do you want to proceed?" on its first commit.
 * Nothing that leaves the worktree (push, reset of other branches) is allowed.
 */
export const GIT_COMMANDS = ['add', 'commit', 'status', 'diff', 'log'] as const;

/**
 * Claude's rules for them: `Bash(flotilla done *)` (any arguments) and
 * `Bash(flotilla done)` (none). A compound command (`git add x && git commit
 * -m y`) is allowed when each of its parts is.
 */
export function flotillaAllowRules(): string[] {
  return [...AGENT_SIDE_COMMANDS.map((c) => `flotilla ${c}`), ...GIT_COMMANDS.map((c) => `git ${c}`)].flatMap((c) => [`Bash(${c} *)`, `Bash(${c})`]);
}

/** `settings` with Flotilla's allow rules added to `permissions.allow`; the user's rules, deny and ask lists kept. */
export function mergeFlotillaAllowRules(settings: Record<string, unknown>): Record<string, unknown> {
  const permissions = isRecord(settings.permissions) ? { ...settings.permissions } : {};
  const allow = Array.isArray(permissions.allow) ? [...(permissions.allow as unknown[])] : [];
  for (const rule of flotillaAllowRules()) if (!allow.includes(rule)) allow.push(rule);
  return { ...settings, permissions: { ...permissions, allow } };
}

async function readSettings(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    // Never overwrite a file we cannot read back: the user would lose their settings.
    throw new Error(`cannot install Claude hooks: ${file} is not valid JSON (${(err as Error).message}); fix or remove it`);
  }
  if (!isRecord(parsed)) throw new Error(`cannot install Claude hooks: ${file} does not hold a JSON object`);
  return parsed;
}

/** Add `pattern` to the worktree's own exclude file (shared by all worktrees of the repo), once. */
async function excludeFromGit(worktree: string, pattern: string): Promise<void> {
  const git = new Git(worktree);
  const rel = (await git.run(['rev-parse', '--git-path', 'info/exclude'])).stdout.trim();
  const file = isAbsolute(rel) ? rel : join(worktree, rel);
  let current = '';
  try {
    current = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (current.split('\n').some((line) => line.trim() === pattern)) return;
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, `${current === '' || current.endsWith('\n') ? '' : '\n'}${pattern}\n`);
}
