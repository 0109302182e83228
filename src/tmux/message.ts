import { exactSession, type TmuxServer } from './server.js';

/**
 * Show a message on the status line of every client attached to the session,
 * until that client presses a key (`display-message -d 0`, tmux ≥ 3.2): a
 * one-off notice, such as the end of a run, must not vanish after the
 * default 750 ms display-time. Returns how many clients were told.
 */
export async function tellClients(server: TmuxServer, session: string, message: string): Promise<number> {
  // Control-mode clients (the supervisor's own watcher) have no status line.
  const listed = (await server.tryRun(['list-clients', '-t', exactSession(session), '-F', '#{client_control_mode} #{client_name}'])) ?? '';
  const clients = listed
    .split('\n')
    .filter((line) => line.startsWith('0 '))
    .map((line) => line.slice(2));
  if (clients.length === 0) return 0;
  // The message is a format: "#" would start one.
  const text = message.replace(/#/g, '##');
  await server.chain(clients.map((c) => ['display-message', '-c', c, '-d', '0', text]));
  return clients.length;
}
