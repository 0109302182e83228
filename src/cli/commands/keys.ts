import { print } from '../../core/output.js';
import { flotillaBindings } from '../../tmux/keys.js';

/** The keys Flotilla binds, read from the same list that installs them. */
export async function run(): Promise<number> {
  print('Keys in Flotilla sessions (no prefix needed; other tmux sessions are unaffected):');
  for (const b of flotillaBindings(['flotilla', 'layout'])) print(`  ${b.key.replace('M-', 'Alt-').padEnd(8)} ${b.description}`);
  print('Your own root-table bindings (mouse and others) keep working: Flotilla copies them into its table.');
  print('Your prefix key and prefix bindings are untouched.');
  return 0;
}
