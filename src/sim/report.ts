import { execa } from 'execa';

/** How the sim agent tells the supervisor a task is finished. */
export type ReportDone = (summary: string) => Promise<void>;

/**
 * `$FLOTILLA_BIN done --summary TEXT` when FLOTILLA_SIM_REPORT=1, else nothing,
 * so the agent also runs standalone and in tests without a supervisor.
 */
export function reportDoneFromEnv(env: NodeJS.ProcessEnv): ReportDone {
  return async (summary) => {
    if (env.FLOTILLA_SIM_REPORT !== '1') return;
    const bin = env.FLOTILLA_BIN;
    if (!bin) throw new Error('FLOTILLA_SIM_REPORT=1 but FLOTILLA_BIN is not set');
    const r = await execa(bin, ['done', '--summary', summary], { env, extendEnv: false, stdin: 'ignore', reject: false, timeout: 30_000 });
    if (r.exitCode !== 0) {
      const why = String(r.stderr).trim().split('\n').pop() || `exit ${r.exitCode ?? r.signal}`;
      throw new Error(`flotilla done failed: ${why}`);
    }
  };
}
