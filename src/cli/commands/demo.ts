import { invokedAs } from '../../core/invoked-as.js';
import { print } from '../../core/output.js';
import { sessionName, tmuxSocket } from '../../core/paths.js';

/** Bring up the demo mission on a throwaway repository with `sim` stand-in agents. */
export async function run(opts: { dir?: string; headless?: boolean; fast?: boolean; socket?: string }): Promise<number> {
  const { makeDemoRepo } = await import('../../demo/demo-repo.js');
  const { dir, missionFile } = await makeDemoRepo(opts.dir, { fast: opts.fast });
  print(`demo repository: ${dir}`);
  const socket = tmuxSocket(opts.socket);
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
