import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { readJson } from '../core/state-file.js';
import { paint, print } from '../core/output.js';
import { requestControl } from '../supervisor/control-protocol.js';
import { attachHint, meaningfulLines } from '../supervisor/attention.js';
import type { MissionStatus } from '../supervisor/status.js';
import { taskRunTimes } from '../runs/summary.js';

const FINISHED = new Set(['done', 'merged']);
const GAVE_UP = new Set(['failed', 'timed-out', 'cancelled']);

type Verdict = 'done' | 'failed' | 'stuck' | 'stopped' | 'timeout';

/**
 * Block until every task is done (0), one has failed for good (1), no
 * orchestrator can work any more (1) or the timeout passed (1); meanwhile say
 * at once when a pane waits for a person, and when it no longer does. Then
 * print a summary with the wall time and the speedup: the sum of task run
 * times over the wall time.
 */
export async function waitForTasks(opts: { controlSocket: string; eventsFile: string; startedAt: number; timeoutS?: number; runFile?: string; logFile?: string }): Promise<number> {
  const deadline = opts.timeoutS ? opts.startedAt + opts.timeoutS * 1000 : Infinity;
  let status: MissionStatus | undefined;
  let verdict: Verdict = 'timeout';
  let unanswered = 0;
  const told = new Map<string, string>();
  let toldWrite: string | undefined;
  let toldHold: string | undefined;
  while (Date.now() < deadline) {
    const reply = await requestControl(opts.controlSocket, { cmd: 'status' }).catch(() => undefined);
    // A supervisor that stopped removes its socket: say so (and why, from its log) instead of waiting for ever.
    unanswered = reply ? 0 : unanswered + 1;
    if (unanswered >= 5 && !existsSync(opts.controlSocket)) {
      verdict = 'stopped';
      break;
    }
    if (reply?.ok) {
      status = reply.data as MissionStatus;
      tellWaiting(status, told);
      toldWrite = tellWriteProblem(status, toldWrite);
      toldHold = tellHold(status, toldHold);
      if (status.tasks.some((t) => GAVE_UP.has(t.state))) {
        verdict = 'failed';
        break;
      }
      if (status.tasks.every((t) => FINISHED.has(t.state))) {
        verdict = 'done';
        break;
      }
      if (status.orchestrators.length > 0 && status.orchestrators.every((o) => o.offline || o.setup_failure)) {
        verdict = 'stuck';
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  // The run's wall time, as the end-of-run message and the archive count it: from the run's start
  // (not this command's: after a restart that made "speedup 86x"), to its finish when it has one.
  const run = opts.runFile ? await readJson<{ startedAt?: number; finishedAt?: number } | undefined>(opts.runFile, undefined).catch(() => undefined) : undefined;
  const wallMs = run?.startedAt ? (run.finishedAt ?? Date.now()) - run.startedAt : Date.now() - opts.startedAt;
  const runMs = taskRunTimes(await readFile(opts.eventsFile, 'utf8').catch(() => ''));
  const total = [...runMs.values()].reduce((a, b) => a + b, 0);
  for (const t of status?.tasks ?? []) {
    const color = FINISHED.has(t.state) ? '#10b981' : GAVE_UP.has(t.state) ? '#f43f5e' : '#f59e0b';
    const ms = runMs.get(t.id);
    const reason = GAVE_UP.has(t.state) && t.reason ? `  ${t.reason}` : '';
    print(`  ${paint(t.state.padEnd(9), color)} ${t.id.padEnd(24)} ${(t.orchestrator ?? '-').padEnd(12)} ${ms === undefined ? '' : `${(ms / 1000).toFixed(1)}s`}${reason}`);
  }
  const speedup = wallMs > 0 ? total / wallMs : 0;
  const words: Record<Verdict, string> = {
    done: 'all tasks done',
    failed: 'a task failed for good',
    stuck: 'no orchestrator can work any more (offline or setup failed; "flotilla status" shows why)',
    stopped: 'the supervisor stopped before the tasks ended',
    timeout: `timed out after ${opts.timeoutS}s`,
  };
  print(`${words[verdict]}: ${status?.tasks.length ?? 0} tasks, wall time ${(wallMs / 1000).toFixed(1)}s, task time ${(total / 1000).toFixed(1)}s, speedup ${speedup.toFixed(2)}x`);
  if (verdict === 'stopped' && opts.logFile) {
    const last = (await readFile(opts.logFile, 'utf8').catch(() => '')).trimEnd().split('\n').slice(-3);
    for (const line of last) print(`  ${line}`);
  }
  for (const o of status?.orchestrators ?? []) if (verdict === 'done' && o.setup_failure) print(`  setup failed: ${o.name} — ${o.setup_failure.step}; it took no tasks; see ${o.setup_failure.log}`);
  if (verdict !== 'done') for (const o of status?.orchestrators ?? []) {
    if (o.waiting) print(`  still waiting for you: ${o.name} — "${o.waiting.question}" (since ${o.waiting.since.slice(11, 19)})`);
    else if (o.setup_failure) print(`  setup failed: ${o.name} — ${o.setup_failure.step}; see ${o.setup_failure.log}`);
    else if (o.offline) print(`  offline: ${o.name}${meaningfulLines(o.last_lines).length > 0 ? ` — its screen ended: ${meaningfulLines(o.last_lines).join(' / ')}` : ''}`);
  }
  return verdict === 'done' ? 0 : 1;
}

/** A line when the supervisor cannot write its state (a full disk), and one when it can again; returns what was told. */
function tellWriteProblem(status: MissionStatus, told: string | undefined): string | undefined {
  const message = status.write_problem?.message;
  if (message === told) return told;
  print(message ? `${paint('cannot write state', '#f43f5e')}: ${message}; no task starts until there is room again` : 'writing state again; tasks start again');
  return message;
}

/** A line when the merge queue holds (it waits for you: a dirty checkout, a test slot that cannot be set up), and one when it goes on. */
function tellHold(status: MissionStatus, told: string | undefined): string | undefined {
  const why = status.merge?.held?.why;
  if (why === told) return told;
  print(why ? `${paint('merge queue held', '#f59e0b')}: ${why}` : 'merge queue: no longer held; landing again');
  return why;
}

/** A line when a pane starts waiting for a person, and one when it stops. */
function tellWaiting(status: MissionStatus, told: Map<string, string>): void {
  for (const o of status.orchestrators) {
    const question = o.waiting?.question;
    if (question === told.get(o.name)) continue;
    if (question !== undefined) {
      const prefix = status.socket ? ['-L', status.socket] : [];
      print(`${paint('waiting for you', '#f59e0b')}: ${o.name} — "${question}" — attach: ${attachHint(prefix, status.session, o.pane ?? undefined)}`);
      told.set(o.name, question);
    } else {
      print(`${o.name}: no longer waiting (now ${o.state})`);
      told.delete(o.name);
    }
  }
}
