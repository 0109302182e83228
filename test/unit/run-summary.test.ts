import { describe, expect, it } from 'vitest';
import { summarizeRun } from '../../src/runs/summary.js';

const ev = (ts: number, task: string, from: string | null, to: string) => JSON.stringify({ ts, task, orchestrator: 'o1', from, to, attempt: 1 });
const LOG = [ev(1000, 't1', null, 'pending'), ev(1500, 't1', 'assigned', 'running'), ev(4500, 't1', 'running', 'done')].join('\n');

describe('summarizeRun', () => {
  it('counts wall time over the run\'s own start and finish when it has them, as up --wait and the end message do', () => {
    expect(summarizeRun(LOG, { startedAt: 0, finishedAt: 6000 })).toMatchObject({ wallMs: 6000, taskMs: 3000, speedup: 0.5 });
    // Not finished: to the last event.
    expect(summarizeRun(LOG, { startedAt: 0 }).wallMs).toBe(4500);
  });

  it('without a run record (a state dir from before runs), from the first event to the last', () => {
    expect(summarizeRun(LOG)).toMatchObject({ wallMs: 3500, taskMs: 3000 });
    expect(summarizeRun('').wallMs).toBe(0);
  });
});
