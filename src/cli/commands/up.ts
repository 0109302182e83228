import { resolve } from 'node:path';
import { FlotillaError } from '../../core/errors.js';
import { bold, print } from '../../core/output.js';
import { invokedAs } from '../../core/invoked-as.js';
import { shellWord } from '../../core/shell-words.js';
import { flotillaHome, missionKey, missionSocket, sessionName } from '../../core/paths.js';

export interface UpOptions {
  socket?: string;
  foreground?: boolean;
  wait?: boolean;
  timeout?: number;
  /** false with --no-preflight. */
  preflight?: boolean;
  /** --trust: record trust of the repository and its worktrees in Claude Code's config. */
  trust?: boolean;
  /** --fresh: archive the open run (its task history) and start a new one; --yes: without asking. */
  fresh?: boolean;
  yes?: boolean;
}

export async function run(file: string, opts: UpOptions): Promise<number> {
  const startedAt = Date.now();
  const { loadMissionOrThrow } = await import('../../mission/load.js');
  const mission = await loadMissionOrThrow(resolve(file));
  const socket = missionSocket(opts.socket, mission);
  const home = flotillaHome();
  const { Registry } = await import('../../supervisor/registry.js');
  const holder = await new Registry(home).get(missionKey(mission.name, socket));
  if (holder && opts.wait) {
    // `up --wait` on a mission already up (started detached, say): wait for it rather than refuse.
    print(`mission ${mission.name} is already running (supervisor pid ${holder.pid}); waiting for its tasks`);
    const { waitForTasks } = await import('../wait-for-tasks.js');
    const { missionPaths } = await import('../../core/paths.js');
    const { runFile } = await import('../../runs/run.js');
    const paths = missionPaths(home, mission.name, socket);
    return waitForTasks({ controlSocket: holder.controlSocket, eventsFile: paths.events, runFile: runFile(paths), logFile: paths.log, startedAt, timeoutS: opts.timeout });
  }
  if (holder) throw new FlotillaError({ reason: 'already-running', mission: mission.name, pid: holder.pid, session: holder.session, socket: holder.socket });
  if (opts.fresh) await discardOpenRun(mission.name, home, socket, Boolean(opts.yes));
  if (opts.trust) {
    const { recordMissionTrust } = await import('../../preflight/agent-checks.js');
    for (const line of await recordMissionTrust(mission)) print(line);
  }
  if (opts.preflight !== false) {
    const { runPreflight, problems } = await import('../../preflight/preflight.js');
    const found = problems(await runPreflight(mission, { invokedAs: invokedAs(), trustCommand: withTrust(process.argv.slice(2)), home, socket }));
    if (found.length > 0) throw new FlotillaError({ reason: 'preflight-failed', problems: found });
  }
  if (opts.foreground) {
    const { run: supervise } = await import('./supervise.js');
    return supervise(mission.file, { socket, foreground: true });
  }
  const { startDetached } = await import('../../supervisor/daemon.js');
  const { missionPaths } = await import('../../core/paths.js');
  const paths = missionPaths(home, mission.name, socket);
  // On a terminal, one line of progress while it comes up; without one, nothing until it is up.
  const view = process.stdout.isTTY ? (await import('../../startup/view.js')).StartupView.forTerminal(process.stdout, paths.dir) : undefined;
  const entry = await startDetached({ missionFile: mission.file, mission: mission.name, socket, home, onPoll: view && ((pid) => view.poll(pid)) }).catch((err: unknown) => {
    view?.end();
    throw err;
  });
  await view?.waitForAgents(entry.controlSocket, entry.pid);
  const tmux = socket ? `tmux -L ${socket}` : 'tmux';
  print(`${bold(`mission ${mission.name} is up`)}: ${mission.orchestrators.length} orchestrators, supervisor pid ${entry.pid}`);
  const me = invokedAs();
  const onSocket = socket ? ` --socket ${socket}` : '';
  print(`  attach:  ${tmux} attach -t ${sessionName(mission.name)}   (or: ${me} attach ${mission.name}${onSocket})`);
  print(`  status:  ${me} status ${mission.name}${onSocket}`);
  print(`  keys:    Alt-1..9 jump, Alt-0 the log, Alt-n/Alt-p next/previous, Alt-z zoom, Alt-t tabs/grid (${me} keys)`);
  print(`  log:     ${entry.stateDir}/supervisor.log`);
  if (!opts.wait) return 0;
  const { waitForTasks } = await import('../wait-for-tasks.js');
  const { runFile } = await import('../../runs/run.js');
  return waitForTasks({ controlSocket: entry.controlSocket, eventsFile: paths.events, runFile: runFile(paths), logFile: paths.log, startedAt, timeoutS: opts.timeout });
}

/** The user's own command again, with --trust: following the fix keeps their --wait, --socket, mission. */
function withTrust(args: string[]): string {
  const words = [...args.filter((a) => a !== '--trust'), '--trust'].map(shellWord);
  return [invokedAs(), ...words].join(' ');
}

/** `up --fresh`: the open run's history goes to the archive (after a yes), so the mission's tasks start over. */
async function discardOpenRun(name: string, home: string, socket: string | undefined, yes: boolean): Promise<void> {
  const { archiveRun, hasHistory, openRun } = await import('../../runs/run.js');
  const { missionPaths } = await import('../../core/paths.js');
  const paths = missionPaths(home, name, socket);
  if (!(await openRun(paths)) && !hasHistory(paths)) return;
  if (!yes) {
    if (!process.stdin.isTTY) throw new FlotillaError({ reason: 'usage', message: `--fresh discards the open run of mission "${name}" (its task history goes to the archive); add --yes to confirm` });
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Discard the open run of mission "${name}" and start its tasks over? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) throw new FlotillaError({ reason: 'usage', message: 'nothing discarded; the open run carries on with "up" without --fresh' });
  }
  const run = await archiveRun(paths, home, 'fresh');
  if (run) print(`archived the open run ${run.id}; starting fresh`);
}
