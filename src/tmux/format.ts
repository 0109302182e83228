/**
 * Typed reads of tmux objects: a format built from a field list, joined by a
 * separator that cannot occur in the values we ask for, parsed back into an object.
 */
const SEP = '\u241e';

export const PANE_FIELDS = [
  'session_name',
  'window_id',
  'window_name',
  'window_index',
  'pane_id',
  'pane_index',
  'pane_pid',
  'pane_dead',
  'pane_dead_status',
  'pane_dead_signal',
  'pane_current_command',
  'pane_current_path',
  '@flotilla_name',
  '@flotilla_index',
  '@flotilla_state',
  '@flotilla_color',
  '@flotilla_role',
  'pane_width',
  'pane_height',
] as const;

export type PaneField = (typeof PANE_FIELDS)[number];

export interface PaneInfo {
  session: string;
  windowId: string;
  windowName: string;
  windowIndex: number;
  paneId: string;
  paneIndex: number;
  pid: number;
  dead: boolean;
  deadStatus: number | undefined;
  deadSignal: number | undefined;
  currentCommand: string;
  currentPath: string;
  /** The orchestrator this pane belongs to; '' for the status pane and foreign panes. */
  orchestrator: string;
  orchestratorIndex: number | undefined;
  state: string;
  color: string;
  role: string;
  width: number;
  height: number;
}

export function paneFormat(): string {
  return PANE_FIELDS.map((f) => `#{${f}}`).join(SEP);
}

export function parsePanes(stdout: string): PaneInfo[] {
  return stdout
    .split('\n')
    .filter((line) => line.includes(SEP))
    .map((line) => {
      const v = line.split(SEP);
      const at = (f: PaneField) => v[PANE_FIELDS.indexOf(f)] ?? '';
      const num = (f: PaneField) => (at(f) === '' ? undefined : Number(at(f)));
      return {
        session: at('session_name'),
        windowId: at('window_id'),
        windowName: at('window_name'),
        windowIndex: num('window_index') ?? 0,
        paneId: at('pane_id'),
        paneIndex: num('pane_index') ?? 0,
        pid: num('pane_pid') ?? 0,
        dead: at('pane_dead') === '1',
        deadStatus: num('pane_dead_status'),
        deadSignal: num('pane_dead_signal'),
        currentCommand: at('pane_current_command'),
        currentPath: at('pane_current_path'),
        orchestrator: at('@flotilla_name'),
        orchestratorIndex: num('@flotilla_index'),
        state: at('@flotilla_state'),
        color: at('@flotilla_color'),
        role: at('@flotilla_role'),
        width: num('pane_width') ?? 0,
        height: num('pane_height') ?? 0,
      };
    });
}
