import { readFile } from 'node:fs/promises';
import { FlotillaError } from '../../core/errors.js';
import { print, printJson } from '../../core/output.js';
import { terminalText } from '../../core/terminal-text.js';
import type { MergeStatus } from '../../merge/merge-queue.js';
import { askSupervisor } from '../supervisor-request.js';

export interface MergeOptions {
  mission?: string;
  socket?: string;
  json?: boolean;
  skipCheckout?: boolean;
}

const VERBS = ['status', 'list', 'log', 'retry', 'remove', 'pause', 'resume'] as const;

/** flotilla merge status|list|log ID|retry ID|remove ID|pause|resume */
export async function run(verb: string, args: string[], opts: MergeOptions): Promise<number> {
  const ask = (req: Record<string, unknown> & { cmd: string }) => askSupervisor(opts.mission, opts, req);
  const id = args[0];
  const needId = () => {
    if (!id) throw new FlotillaError({ reason: 'usage', message: `usage: flotilla merge ${verb} TASK-ID` });
    return id;
  };
  switch (verb) {
    case 'status':
    case 'list':
    case 'pause':
    case 'resume': {
      const req = verb === 'resume' ? { cmd: 'merge-resume', skipCheckout: Boolean(opts.skipCheckout) } : { cmd: verb === 'list' ? 'merge-status' : `merge-${verb}` };
      const status = (await ask(req)) as MergeStatus;
      if (opts.json) printJson(verb === 'list' ? status.entries : status);
      else printStatus(status, verb === 'list');
      return 0;
    }
    case 'log': {
      const reply = (await ask({ cmd: 'merge-log', id: needId() })) as { log: string };
      if (opts.json) printJson(reply);
      else print(terminalText(await readFile(reply.log, 'utf8')).trimEnd());
      return 0;
    }
    case 'retry':
    case 'remove': {
      const reply = (await ask({ cmd: `merge-${verb}`, id: needId() })) as { task: string };
      if (opts.json) printJson(reply);
      else print(verb === 'retry' ? `${reply.task}: back in the merge queue` : `${reply.task}: taken out of the merge queue (failed; "flotilla task retry ${reply.task}" gives it to an agent again)`);
      return 0;
    }
    default:
      throw new FlotillaError({ reason: 'usage', message: `unknown merge command "${verb}": use ${VERBS.join(', ')}` });
  }
}

function printStatus(s: MergeStatus, listOnly: boolean): void {
  if (!listOnly) {
    print(`merge queue: ${s.held ? `HELD since ${s.held.since.slice(11, 19)}: ${s.held.why}` : s.paused ? 'paused ("flotilla merge resume" goes on)' : 'running'} · test: ${s.test ?? '-'}${s.skip_checkout ? ' · landing without moving your checkout' : ''}`);
    if (s.push?.error) print(`push to ${s.push.remote} refused: ${s.push.error}`);
  }
  if (s.entries.length === 0) return print('  (nothing queued or landed yet)');
  for (const e of s.entries) {
    const where = e.position !== null ? `#${e.position}${e.batch > 1 ? ` (batch of ${e.batch})` : ''}` : '';
    const what = e.landed_commit ? `landed ${e.landed_commit.slice(0, 12)}` : e.candidate ? `candidate ${e.candidate.slice(0, 12)}${e.attempts > 1 ? `, run ${e.attempts}` : ''}` : '';
    print(`  ${e.task.padEnd(24)} ${e.state.padEnd(18)} ${where.padEnd(18)} ${what}${e.reason ? `  ${e.reason}` : ''}`);
  }
}
