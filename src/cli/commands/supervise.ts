import { flotillaHome, tmuxSocket } from '../../core/paths.js';

/** The detached supervisor process (started by `flotilla up`). */
export async function run(missionFile: string, opts: { socket?: string; foreground?: boolean }): Promise<number> {
  const { Supervisor } = await import('../../supervisor/supervisor.js');
  const sup = await Supervisor.start({ missionFile, socket: tmuxSocket(opts.socket), home: flotillaHome(), foreground: Boolean(opts.foreground) });
  const done = sup.done();
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => void sup.stop());
  await done;
  return 0;
}
