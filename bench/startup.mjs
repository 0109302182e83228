// `startup`: wall time of short CLI commands (`flotilla --version`,
// `flotilla status --json` against a running 4-orchestrator sim mission, and
// the agent-side `done`, `heartbeat` and `hook` as a pane runs them) against
// the floor of any Node CLI, `node -e 0`, measured in the same run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BIN,
  FlotillaFailure,
  createRepo,
  failureReport,
  heartbeatPids,
  killPids,
  ms,
  now,
  parseArgs,
  pidAlive,
  printTable,
  privateTmux,
  ratio,
  registryPids,
  simMission,
  summary,
  tail,
  tempRoot,
  timeout,
  waitForFiles,
  writeResults,
} from './lib.mjs';

export const description = 'wall time of flotilla --version, status --json (4 sim agents running), done, heartbeat, hook vs. node -e 0';

const MISSION = 'bench';
const N = 4;
const TARGET_RATIO = 1.3;
const WARMUP = 2;

const indent = (s) => s.split('\n').map((l) => `    ${l}`).join('\n');

export async function run(args) {
  const opts = parseArgs(args, { runs: '20' });
  const runs = Number(opts.runs);
  const start = now();
  const issues = [];

  const root = tempRoot('flb-startup-');
  const repo = createRepo(join(root.dir, 'repo'), { 'flotilla.yaml': simMission(MISSION, N) });
  const home = join(root.dir, 'home');
  mkdirSync(home);
  const tmux = privateTmux(root.dir, { FLOTILLA_HOME: home });
  const state = join(home, 'missions', tmux.socket, MISSION);
  const log = join(state, 'supervisor.log');
  const beats = Array.from({ length: N }, (_, i) => join(state, 'heartbeats', `o${i + 1}.json`));
  const env = tmux.env;
  // The agent-side commands run as in a pane, but of a mission of their own ("probe", never started), so
  // their signals and heartbeats do not reach the running supervisor.
  const probe = join(home, 'missions', tmux.socket, 'probe');
  const probeBeat = join(probe, 'heartbeats', 'p1.json');
  mkdirSync(join(probe, 'heartbeats'), { recursive: true });
  const paneEnv = {
    ...env,
    FLOTILLA_MISSION: 'probe',
    FLOTILLA_ORCHESTRATOR: 'p1',
    FLOTILLA_HEARTBEAT_FILE: probeBeat,
    FLOTILLA_CONTROL_SOCKET: join(probe, 'control.sock'),
    FLOTILLA_TMUX_SOCKET: tmux.socket,
    FLOTILLA_BIN: BIN,
  };
  // What Claude Code pipes to a PostToolUse hook (trimmed).
  const hookInput = JSON.stringify({ session_id: 'bench', transcript_path: join(probe, 'transcript.jsonl'), hook_event_name: 'PostToolUse', tool_name: 'Bash' });

  const commands = [
    { key: 'baseline', label: 'node -e 0 (baseline)', file: 'node', args: ['-e', '0'] },
    { key: 'version', label: 'flotilla --version', file: BIN, args: ['--version'] },
    { key: 'status', label: `flotilla status --json --socket S (${N} sim agents)`, file: BIN, args: ['status', '--json', '--socket', tmux.socket] },
    { key: 'done', label: 'flotilla done --summary TEXT (in a pane)', file: BIN, args: ['done', '--summary', 'bench'], env: paneEnv },
    { key: 'heartbeat', label: 'flotilla heartbeat --state working (in a pane)', file: BIN, args: ['heartbeat', '--state', 'working'], env: paneEnv },
    { key: 'hook', label: 'flotilla hook PostToolUse < JSON (in a pane)', file: BIN, args: ['hook', 'PostToolUse'], env: paneEnv, input: hookInput },
  ];
  const spawnOpts = (c) => ({ cwd: repo, env: c.env ?? env, ...(c.input ? { input: c.input } : { stdio: ['ignore', 'pipe', 'pipe'] }) });
  const fail = (what, cmd, out) => new FlotillaFailure(failureReport(what, cmd, out, log));

  console.log(`startup: ${description}`);
  console.log(`each command spawned ${runs} times (after ${WARMUP} untimed warm-ups), interleaved round-robin, cwd = the mission's repo; wall time = spawn → exit\n`);

  let samples;
  try {
    // Bring the mission up and wait until every agent has written its heartbeat.
    const upCmd = `${BIN} up ${join(repo, 'flotilla.yaml')} --socket ${tmux.socket}`;
    const up = spawn(BIN, ['up', join(repo, 'flotilla.yaml'), '--socket', tmux.socket], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let upOut = '';
    up.stdout.on('data', (d) => (upOut += d));
    up.stderr.on('data', (d) => (upOut += d));
    let upExit;
    const upDone = new Promise((r) => up.on('exit', (code, signal) => r((upExit = code ?? signal))));
    await Promise.race([upDone, timeout(60_000)]);
    if (upExit !== 0) throw fail(`flotilla up exited with ${upExit ?? '(still running after 60 s)'}`, upCmd, upOut);
    try {
      await waitForFiles(beats, { intervalMs: 5, timeoutMs: 30_000 });
    } catch (err) {
      throw fail(`flotilla up returned 0 but not every agent started: ${err.message}`, upCmd, upOut);
    }

    // One checked run of each: status exits 0 with JSON naming the 4 orchestrators; the agent-side
    // commands exit 0 and leave their signal or heartbeat (not a usage error, which would be faster).
    const checks = {
      status: (out) => JSON.parse(out)?.orchestrators?.length === N || `did not list ${N} orchestrators`,
      done: () => readdirSync(join(probe, 'inbox')).length === 1 || 'left no signal in the inbox',
      heartbeat: () => JSON.parse(readFileSync(probeBeat, 'utf8')).state === 'working' || 'wrote no heartbeat with state working',
      hook: () => JSON.parse(readFileSync(probeBeat, 'utf8')).source === 'PostToolUse' || 'wrote no heartbeat from PostToolUse',
    };
    for (const c of commands.filter((c) => checks[c.key])) {
      const r = spawnSync(c.file, c.args, { ...spawnOpts(c), encoding: 'utf8' });
      let verdict;
      try {
        verdict = r.status === 0 ? checks[c.key](r.stdout) : `exited ${r.status ?? r.signal}`;
      } catch (err) {
        verdict = err.message;
      }
      if (verdict !== true) throw fail(`${c.label}: ${verdict}`, `${c.file} ${c.args.join(' ')}`, `${r.stdout}${r.stderr}`);
    }

    const taken = Object.fromEntries(commands.map((c) => [c.key, []]));
    for (let i = -WARMUP; i < runs; i++) {
      // Rotate the order each round so no command always runs right after another.
      const order = commands.map((_, j) => commands[(i + WARMUP + j) % commands.length]);
      for (const c of order) {
        const t0 = now();
        const r = spawnSync(c.file, c.args, spawnOpts(c));
        const t = now() - t0;
        if (r.status !== 0) throw fail(`${c.label} exited with ${r.status ?? r.signal ?? r.error?.message}`, `${c.file} ${c.args.join(' ')}`, `${r.stdout ?? ''}${r.stderr ?? ''}`);
        if (i >= 0) taken[c.key].push(t);
      }
    }
    samples = taken;
  } catch (err) {
    if (!(err instanceof FlotillaFailure)) throw err;
    console.log('FLOTILLA FAILURE: benchmark aborted, no timings (the report is below)\n');
    issues.push(err.message);
  } finally {
    // Tear down: flotilla down --force, then the server, any stray process, the temp dir.
    const agents = heartbeatPids(beats);
    const supervisors = registryPids(home);
    const down = spawnSync(BIN, ['down', MISSION, '--socket', tmux.socket, '--force'], { cwd: repo, env, encoding: 'utf8', timeout: 30_000 });
    if (down.status !== 0) issues.push(`flotilla down exited with ${down.status ?? down.signal}\n${indent(`${down.stdout ?? ''}${down.stderr ?? ''}`)}\n  log: ${log}\n${indent(tail(log))}`);
    else if (supervisors.some(pidAlive)) issues.push(`flotilla down returned 0 but supervisor pid(s) ${supervisors.filter(pidAlive).join(', ')} are still alive`);
    tmux.kill();
    killPids([...supervisors, ...agents]);
    root.remove();
  }

  let results;
  if (samples) {
    const base = summary(samples.baseline);
    results = commands.map((c) => ({ command: c.label, key: c.key, ...summary(samples[c.key]), samples: samples[c.key] }));
    printTable(
      ['command', 'runs', 'median ms', 'p99 ms', 'min ms', 'ratio to node -e 0', `target ≤ ${TARGET_RATIO}x`],
      results.map((r) => [r.command, r.n, ms(r.median), ms(r.p99), ms(r.min), ratio(r.median, base.median), r.key === 'baseline' ? '' : r.median <= TARGET_RATIO * base.median ? 'met' : 'NOT met']),
    );
    console.log(`\n(p99 of ${runs} samples is the maximum; node is ${spawnSync('node', ['-v'], { encoding: 'utf8' }).stdout.trim()} from PATH, as bin/flotilla's #!/usr/bin/env node resolves it)`);
  }
  if (issues.length) {
    console.log(`\n${issues.length} flotilla issue(s):`);
    for (const i of issues) console.log(`- ${i}`);
  }
  const file = writeResults('startup', { targetRatio: TARGET_RATIO, runs, orchestrators: N, results, issues, wallSeconds: (now() - start) / 1000 });
  console.log(`\nresults: ${file}  (wall ${((now() - start) / 1000).toFixed(0)} s)`);
  return issues.length ? 1 : 0;
}
