import { invokedAs } from '../../core/invoked-as.js';
import { print } from '../../core/output.js';
import { tmuxSocket } from '../../core/paths.js';

/** Bring up the demo mission on a throwaway repository with `sim` stand-in agents. */
export async function run(opts: { dir?: string; headless?: boolean; fast?: boolean; socket?: string }): Promise<number> {
  const { makeDemoRepo } = await import('../../demo/demo-repo.js');
  const { dir, missionFile } = await makeDemoRepo(opts.dir, { fast: opts.fast });
  print(`demo repository: ${dir}`);
  const socket = tmuxSocket(opts.socket);
  const { run: up } = await import('./up.js');
  // Headless: run every task to the end and report the speedup; otherwise attach and watch it happen.
  const code = await up(missionFile, { socket, wait: Boolean(opts.headless) });
  if (code !== 0 || opts.headless) {
    print(`stop it with: ${invokedAs()} down demo${socket ? ` --socket ${socket}` : ''}`);
    return code;
  }
  print(`stop it with: ${invokedAs()} down demo${socket ? ` --socket ${socket}` : ''}   (the throwaway repository stays in ${dir})`);
  if (!process.stdout.isTTY || !process.stdin.isTTY) return 0;
  const { run: attach } = await import('./attach.js');
  return attach('demo', { socket });
}
