import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { shellQuote } from '../core/shell-words.js';
import { flotillaArgv } from '../core/package-root.js';

/**
 * Prompts, nudges, roles and skills tell agents to run plain `flotilla`, but a
 * user who runs Flotilla from a clone (`./bin/flotilla`) has no `flotilla` on
 * PATH, and neither has the agent's Bash tool. Each mission gets a directory
 * holding a `flotilla` launcher for this very installation (this node, this
 * bin/flotilla), put at the front of every pane's PATH.
 */
export function shimDir(stateDir: string): string {
  return join(stateDir, 'bin');
}

export function shimScript(argv: string[] = flotillaArgv()): string {
  return `#!/bin/sh\n# Written by Flotilla: runs the installation that started this mission.\nexec ${argv.map(shellQuote).join(' ')} "$@"\n`;
}

/** Write the launcher (atomically: a pane may be running it) unless it is already there as it should be. */
export async function writeShim(stateDir: string): Promise<string> {
  const dir = shimDir(stateDir);
  const file = join(dir, 'flotilla');
  const script = shimScript();
  if ((await readFile(file, 'utf8').catch(() => '')) === script) return dir;
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, script, { mode: 0o755 });
    await chmod(tmp, 0o755);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  return dir;
}

/**
 * The pane's argv with PATH set by `env`: tmux 3.3 gives a new pane the PATH
 * of the client that asked for it, overriding `-e PATH=…`.
 */
export function withShimArgv(dir: string, path: string | undefined, argv: string[]): string[] {
  return [existsSync('/usr/bin/env') ? '/usr/bin/env' : 'env', `PATH=${withShim(dir, path)}`, ...argv];
}

/** PATH with the launcher's directory first (once), keeping the rest. */
export function withShim(dir: string, path: string | undefined): string {
  const rest = (path ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter).filter((p) => p !== '' && p !== dir);
  return [dir, ...rest].join(delimiter);
}
