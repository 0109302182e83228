import { signal } from '../agent-signal.js';

export function run(opts: { reason: string }): Promise<number> {
  return signal('fail', { kind: 'fail', reason: opts.reason });
}
