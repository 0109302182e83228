import { signal } from '../agent-signal.js';

export function run(text: string[]): Promise<number> {
  return signal('note', { kind: 'note', text: text.join(' ') });
}
