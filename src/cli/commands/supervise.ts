import { flotillaHome, tmuxSocket } from '../../core/paths.js';

/** The detached supervisor process (started by `flotilla up`). */
export async function run(missionFile: string, opts: { socket?: string; foreground?: boolean }): Promise<number> {
  const { Supervisor } = await import('../../supervisor/supervisor.js');
  const { parseWindowSize, windowSizeFor, WINDOW_SIZE_ENV } = await import('../../tmux/window-size.js');
  const { TmuxServer } = await import('../../tmux/server.js');
  const socket = tmuxSocket(opts.socket);
  // Detached, `up` passes its terminal's size; in the foreground this is that terminal. Not passed on
  // to tmux, whose server would otherwise hand it to every pane.
  const windowSize = parseWindowSize(process.env[WINDOW_SIZE_ENV]) ?? (opts.foreground ? await windowSizeFor(new TmuxServer(socket), process.stdout) : undefined);
  delete process.env[WINDOW_SIZE_ENV];
  const sup = await Supervisor.start({ missionFile, socket, home: flotillaHome(), foreground: Boolean(opts.foreground), windowSize });
  const done = sup.done();
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => void sup.stop());
  await done;
  return 0;
}
