import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { shellQuote } from '../core/shell-words.js';
import { flotillaArgv } from '../core/package-root.js';
import { inboxDir, TEXT_SIGNAL_MAGIC } from '../signals/inbox.js';

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

/**
 * The launcher. `done --summary S` and `fail --reason R`, which every agent
 * runs at the end of every task, it writes itself, without starting node (a
 * node start costs ~100 ms of CPU, and with 16 agents finishing short tasks
 * that is CPU the supervisor needs): the same signal, as text (see
 * inbox.ts), renamed into the inbox whole. Anything else, or any other form
 * of those (`--summary=S`, `--socket`), goes to node as before.
 */
export function shimScript(stateDir: string, argv: string[] = flotillaArgv()): string {
  return `#!/bin/sh
# Written by Flotilla: runs the installation that started this mission.
inbox=${shellQuote(inboxDir(stateDir))}
current=${shellQuote(join(stateDir, 'current'))}
case "$1:\${2-}:$#" in
  done:--summary:3 | fail:--reason:3 | done::1)
    if [ -n "\${FLOTILLA_ORCHESTRATOR-}" ] && [ -d "$inbox" ]; then
      o=$FLOTILLA_ORCHESTRATOR
      task=$(sed -n 's/^ *"task": *"\\([^"]*\\)".*/\\1/p' "$current/$o.json" 2>/dev/null)
      ts=$(date +%s%3N)
      case $ts in *N) ts=$(date +%s)000 ;; esac
      tmp="$inbox/.$ts-$$.part"
      if printf '${TEXT_SIGNAL_MAGIC}\\n%s\\n%s\\n%s\\n%s\\n%s' "$1" "$o" "$task" "$ts" "\${3-}" 2>/dev/null >"$tmp" && mv "$tmp" "$inbox/$ts-$$.sig"; then
        exit 0
      fi
      rm -f "$tmp"
      echo "flotilla: 'flotilla $1' was not recorded: cannot write $inbox (is the disk full?). Nothing was sent; run the same command again in a moment." >&2
      exit 1
    fi
    ;;
esac
exec ${argv.map(shellQuote).join(' ')} "$@"
`;
}

/** Write the launcher (atomically: a pane may be running it) unless it is already there as it should be. */
export async function writeShim(stateDir: string): Promise<string> {
  const dir = shimDir(stateDir);
  const file = join(dir, 'flotilla');
  const script = shimScript(stateDir);
  if ((await readFile(file, 'utf8').catch(() => '')) === script) return dir;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, script, { mode: 0o700 });
    await chmod(tmp, 0o700);
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
