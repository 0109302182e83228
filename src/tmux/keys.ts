import { shellQuote } from '../core/shell-words.js';
import { KEY_TABLE } from './decorate.js';
import { exactSession, type TmuxServer } from './server.js';

/**
 * Flotilla's keys live in their own key table, made the root table of
 * Flotilla sessions only (session option `key-table`). Other sessions and the
 * prefix table are untouched. A session's key table replaces root entirely, so
 * the user's root bindings (mouse, their own -n keys) are copied in first.
 */
export interface KeyBinding {
  key: string;
  description: string;
  command: string[];
}

/** run-shell -C expands formats, so a key can target the pane named in an option. */
const jumpTo = (option: string) => ['run-shell', '-C', `select-window -t "#{${option}}" ; select-pane -t "#{${option}}"`];

export function flotillaBindings(layoutCommand: string[]): KeyBinding[] {
  const jumps: KeyBinding[] = Array.from({ length: 9 }, (_, i) => ({
    key: `M-${i + 1}`,
    description: `jump to orchestrator ${i + 1}`,
    command: jumpTo(`@flotilla_pane_${i + 1}`),
  }));
  return [
    ...jumps,
    { key: 'M-0', description: 'jump to the status pane (the supervisor log)', command: jumpTo('@flotilla_status') },
    { key: 'M-n', description: 'next orchestrator', command: jumpTo('@flotilla_next') },
    { key: 'M-p', description: 'previous orchestrator', command: jumpTo('@flotilla_prev') },
    { key: 'M-z', description: 'zoom or unzoom the current pane', command: ['resize-pane', '-Z'] },
    {
      key: 'M-t',
      description: 'toggle between tabs (a window each) and grid (2x2 windows)',
      // run-shell shows a command's output in view mode over the pane (the "[0/0]" that stays until q):
      // only a failure should, so the "session: tabs" line goes to /dev/null.
      command: ['run-shell', '-b', layoutCommand.map(shellQuote).join(' ') + ' toggle --session "#{session_name}" >/dev/null'],
    },
  ];
}

/**
 * Make orchestrator 1's pane the session's current one, so that an attach lands on the agents
 * rather than on the status window, which tmux made first. False when the session has no such pane.
 */
export async function focusFirstOrchestrator(server: TmuxServer, session: string): Promise<boolean> {
  const pane = (await server.tryRun(['show-options', '-v', '-t', `${exactSession(session)}:`, '@flotilla_pane_1']))?.trim();
  if (!pane) return false;
  await server.chain([['select-window', '-t', pane], ['select-pane', '-t', pane]]);
  return true;
}

export async function installKeys(server: TmuxServer, layoutCommand: string[]): Promise<void> {
  const root = (await server.tryRun(['list-keys', '-T', 'root'])) ?? '';
  const copied = root
    .split('\n')
    .map((line) => line.replace(/^bind-key\s+(-r\s+)?-T root\s/, (_m, r: string | undefined) => `bind-key ${r ?? ''}-T ${KEY_TABLE} `))
    .filter((line) => line.startsWith('bind-key'));
  const commands: string[][] = flotillaBindings(layoutCommand).map((b) => ['bind-key', '-T', KEY_TABLE, b.key, ...b.command]);
  if (copied.length > 0) {
    // list-keys prints bindings in config syntax: replay them into our table from stdin.
    await server.run(['source-file', '-'], { input: `${copied.join('\n')}\n` });
  }
  await server.chain(commands);
}
