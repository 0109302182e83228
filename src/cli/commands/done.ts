import { signal } from '../agent-signal.js';

export function run(opts: { summary?: string }): Promise<number> {
  return signal('done', { kind: 'done', summary: opts.summary ?? '' });
}
