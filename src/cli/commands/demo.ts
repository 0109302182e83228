import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FlotillaError } from '../../core/errors.js';
import { invokedAs } from '../../core/invoked-as.js';
import { print } from '../../core/output.js';
import { flotillaHome, missionKey, sessionName, tmuxSocket } from '../../core/paths.js';

/** Bring up the demo mission on a throwaway repository with `sim` stand-in agents. */
export async function run(opts: { dir?: string; headless?: boolean; fast?: boolean; socket?: string }): Promise<number> {
  const socket = tmuxSocket(opts.socket);
  await refuseBeforeMaking(opts.dir, socket);
  const { makeDemoRepo } = await import('../../demo/demo-repo.js');
  const { dir, missionFile } = await makeDemoRepo(opts.dir, { fast: opts.fast });
  print(`demo repository: ${dir}`);
  const { run: up } = await import('./up.js');
  // Headless: run every task to the end and report the speedup; otherwise attach and watch it happen.
  const code = await up(missionFile, { socket, wait: Boolean(opts.headless) });
  const stop = `${invokedAs()} down demo${socket ? ` --socket ${socket}` : ''}`;
  if (code !== 0 || opts.headless) {
    print(`stop it with: ${stop}`);
    return code;
  }
  print(`stop it with: ${stop}   (the throwaway repository stays in ${dir})`);
  if (!process.stdout.isTTY || !process.stdin.isTTY) return 0;
  print('attaching to the agents: Alt-0 shows the supervisor log, Alt-1 brings you back; detach with your tmux prefix + d');
  const { TmuxServer } = await import('../../tmux/server.js');
  const { focusFirstOrchestrator } = await import('../../tmux/keys.js');
  await focusFirstOrchestrator(new TmuxServer(socket), sessionName('demo'));
  const { run: attach } = await import('./attach.js');
  return attach('demo', { socket });
}

/**
 * The demo makes a throwaway repository: never in a folder that holds
 * anything (a user's own repository would get its files replaced and a commit
 * on their branch), and not while a demo runs on this tmux server.
 */
async function refuseBeforeMaking(dir: string | undefined, socket: string | undefined): Promise<void> {
  const onSocket = socket ? ` --socket ${socket}` : '';
  const { Registry } = await import('../../supervisor/registry.js');
  const running = await new Registry(flotillaHome()).get(missionKey('demo', socket));
  if (running) {
    throw new FlotillaError({
      reason: 'usage',
      message: `the demo is already running on this tmux server (supervisor pid ${running.pid}, repository ${running.repo}). Watch it with "${invokedAs()} attach demo${onSocket}", stop it with "${invokedAs()} down demo${onSocket}", or run another on a server of its own with --socket NAME`,
    });
  }
  if (dir === undefined) return;
  const entries = await readdir(resolve(dir)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    if (err.code === 'ENOTDIR') throw new FlotillaError({ reason: 'usage', message: `--dir ${dir} is a file, not a folder; give a new or empty folder for the demo's throwaway repository` });
    throw err;
  });
  if (entries.length > 0) {
    throw new FlotillaError({ reason: 'usage', message: `--dir ${dir} is not empty; the demo makes a throwaway repository there (its files, a commit): give a new or empty folder, or leave out --dir for a temporary one` });
  }
}
