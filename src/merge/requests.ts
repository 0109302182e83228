import type { ControlReply, ControlRequest } from '../supervisor/control-protocol.js';
import type { MergeQueue } from './merge-queue.js';

/** The merge-* requests of the control socket (`flotilla merge ...`). */
export async function mergeRequest(merge: MergeQueue, req: ControlRequest): Promise<ControlReply> {
  try {
    const id = typeof req.id === 'string' ? req.id : '';
    switch (req.cmd) {
      case 'merge-status':
        return { ok: true, data: merge.status() };
      case 'merge-pause':
        merge.pause();
        return { ok: true, data: merge.status() };
      case 'merge-resume':
        merge.resume({ skipCheckout: req.skipCheckout === true });
        return { ok: true, data: merge.status() };
      case 'merge-retry':
        return { ok: true, data: { task: (await merge.retry(id)).id } };
      case 'merge-remove':
        return { ok: true, data: { task: merge.remove(id).id } };
      case 'merge-log': {
        const log = merge.logOf(id);
        if (!log) return { ok: false, error: `no test log for "${id}" yet: its candidate has not finished a test run in this supervisor` };
        return { ok: true, data: { task: id, log } };
      }
      default:
        return { ok: false, error: `unknown command "${req.cmd}"` };
    }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
