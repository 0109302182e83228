import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * What Claude Code's own config says about a repository, read before anything
 * starts, because no hook fires while Claude's start-up dialogs are up.
 * Checked against Claude Code 2.1.197:
 * - the global config is `$CLAUDE_CONFIG_DIR/.claude.json`, else `~/.claude.json`;
 * - a folder is trusted when it, or a folder above it, has
 *   `projects[<abs path>].hasTrustDialogAccepted: true`; a git worktree is also
 *   covered by its main checkout's entry, so trusting the repository covers
 *   Flotilla's worktrees;
 * - bypass mode shows its own warning until `bypassPermissionsModeAccepted` in
 *   the global config or `skipDangerousModePermissionPrompt` in the user's
 *   settings (`$CLAUDE_CONFIG_DIR/settings.json`, else `~/.claude/settings.json`);
 * - as root, bypass mode exits at once unless `IS_SANDBOX=1` (or CLAUDE_CODE_BUBBLEWRAP).
 */
export interface ClaudeConfigPaths {
  global: string;
  userSettings: string;
}

export function claudeConfigPaths(env: NodeJS.ProcessEnv): ClaudeConfigPaths {
  const home = env.HOME || homedir();
  const dir = env.CLAUDE_CONFIG_DIR;
  return {
    global: dir ? join(dir, '.claude.json') : join(home, '.claude.json'),
    userSettings: join(dir || join(home, '.claude'), 'settings.json'),
  };
}

export type JsonFile = { found: false } | { found: true; value: Record<string, unknown> } | { found: true; error: string };

export async function readJsonFile(file: string): Promise<JsonFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { found: false };
    return { found: true, error: (err as Error).message };
  }
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? { found: true, value } : { found: true, error: 'not a JSON object' };
  } catch (err) {
    return { found: true, error: (err as Error).message };
  }
}

/** The folder (dir itself or one above it) whose trust covers `dir`, or undefined. */
export function trustedAncestor(config: Record<string, unknown>, dir: string): string | undefined {
  const projects = isRecord(config.projects) ? config.projects : {};
  for (let d = resolve(dir); ; d = dirname(d)) {
    const entry = projects[d];
    if (isRecord(entry) && entry.hasTrustDialogAccepted === true) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** Whether Claude's arguments ask for bypass mode (which shows its own warning dialog). */
export function wantsBypass(args: readonly string[]): boolean {
  return args.some((a, i) => a === '--dangerously-skip-permissions' || a === '--permission-mode=bypassPermissions' || (a === '--permission-mode' && args[i + 1] === 'bypassPermissions'));
}

export function bypassAccepted(config: Record<string, unknown> | undefined, userSettings: Record<string, unknown> | undefined): boolean {
  return config?.bypassPermissionsModeAccepted === true || userSettings?.skipDangerousModePermissionPrompt === true;
}

/** Root refuses bypass mode without this. */
export function sandboxed(env: NodeJS.ProcessEnv): boolean {
  return env.IS_SANDBOX === '1' || Boolean(env.CLAUDE_CODE_BUBBLEWRAP);
}

/**
 * Record trust for `dirs` in Claude's global config, keeping every other key:
 * only on the user's explicit `flotilla up --trust`. Written to a temp file
 * and renamed, with the file's mode kept, so a reader never sees half a file.
 * Returns the folders that were not trusted before.
 */
export async function recordTrust(file: string, dirs: string[]): Promise<string[]> {
  const current = await readJsonFile(file);
  if (current.found && 'error' in current) throw new Error(`cannot record trust: ${file} is not valid JSON (${current.error}); fix it first`);
  const config = current.found ? current.value : {};
  const projects = isRecord(config.projects) ? { ...config.projects } : {};
  const added: string[] = [];
  for (const dir of dirs.map((d) => resolve(d))) {
    const entry = isRecord(projects[dir]) ? projects[dir] : {};
    if (entry.hasTrustDialogAccepted === true) continue;
    projects[dir] = { ...entry, hasTrustDialogAccepted: true };
    added.push(dir);
  }
  if (added.length === 0) return added;
  const mode = current.found ? (await stat(file)).mode & 0o777 : 0o600;
  const tmp = `${file}.flotilla-${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ ...config, projects }, null, 2)}\n`, { mode });
  await rename(tmp, file);
  return added;
}

/** A JSON object (not null, not an array): what Claude's config and settings files hold. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
