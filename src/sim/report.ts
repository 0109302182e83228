import { appendFile } from 'node:fs/promises';
import { execa } from 'execa';

/** How the sim agent tells the supervisor a task is finished. */
export type ReportDone = (summary: string) => Promise<void>;

/**
 * `$FLOTILLA_BIN done --summary TEXT` when FLOTILLA_SIM_REPORT=1, else nothing,
 * so the agent also runs standalone and in tests without a supervisor.
 *
 * With FLOTILLA_SIM_TIMING_LOG set, the moment the command returned is appended
 * to that file as `{"ts": <Date.now()>, "event": "done-returned", "exit": <code>}`
 * (the clock of FLOTILLA_SIM_LOG's prompt lines; the two may name the same file),
 * so dispatch latency can be measured from it to the next prompt's `{"ts", "text"}`
 * line (bench/dispatch.mjs). A variable of its own keeps FLOTILLA_SIM_LOG a log of
 * prompts only, as its readers expect.
 */
export function reportDoneFromEnv(env: NodeJS.ProcessEnv): ReportDone {
  return async (summary) => {
    if (env.FLOTILLA_SIM_REPORT !== '1') return;
    const bin = env.FLOTILLA_BIN;
    if (!bin) throw new Error('FLOTILLA_SIM_REPORT=1 but FLOTILLA_BIN is not set');
    const send = () => execa(bin, ['done', '--summary', summary], { env, extendEnv: false, stdin: 'ignore', reject: false, timeout: 30_000 });
    // As an agent would: a report that did not go (exit 1: a full disk, say) is sent again, a few times, backing off.
    let r = await send();
    for (let wait = 1000; r.exitCode === 1 && wait <= 16_000; wait *= 2) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      r = await send();
    }
    const returned = Date.now();
    const logFile = env.FLOTILLA_SIM_TIMING_LOG;
    if (logFile) {
      const line = `${JSON.stringify({ ts: returned, event: 'done-returned', exit: r.exitCode ?? null })}\n`;
      // Timing only: a log that cannot be written must not turn a finished task into a failed one.
      await appendFile(logFile, line).catch(() => undefined);
    }
    if (r.exitCode !== 0) {
      const why = String(r.stderr).trim().split('\n').pop() || `exit ${r.exitCode ?? r.signal}`;
      throw new Error(`flotilla done failed: ${why}`);
    }
  };
}
