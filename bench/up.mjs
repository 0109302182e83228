// `up`: time from starting `bin/flotilla up MISSION --socket S` until every
// orchestrator's sim agent is running (its heartbeat file exists), against a
// hand-written baseline doing the minimum: sequential `git worktree add` plus
// one chained tmux invocation.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BIN,
  FlotillaFailure,
  createRepo,
  failureReport,
  heartbeatPids,
  killPids,
  median,
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

export const description = 'flotilla up → all sim agents running, N = 4, 8, 16, vs. git worktree add + one chained tmux call';

const MISSION = 'bench';
const TARGET = { n: 8, ratio: 1.5 };
const MAX_ATTEMPTS = 3;
const names = (n) => Array.from({ length: n }, (_, i) => `o${i + 1}`);

/** A fresh temp dir holding a repo with the mission, a FLOTILLA_HOME and a private tmux server. */
function setup(n) {
  const root = tempRoot('flb-up-');
  const repo = createRepo(join(root.dir, 'repo'), { 'flotilla.yaml': simMission(MISSION, n) });
  const home = join(root.dir, 'home');
  mkdirSync(home);
  const tmux = privateTmux(root.dir, { FLOTILLA_HOME: home });
  const state = join(home, 'missions', tmux.socket, MISSION);
  const beats = names(n).map((o) => join(state, 'heartbeats', `${o}.json`));
  return { root, repo, home, tmux, state, beats };
}

async function flotillaRun(n, issues) {
  const ctx = setup(n);
  const { repo, tmux, state, beats } = ctx;
  const argv = ['up', join(repo, 'flotilla.yaml'), '--socket', tmux.socket];
  const cmd = `FLOTILLA_HOME=${ctx.home} TMUX_TMPDIR=${tmux.env.TMUX_TMPDIR} ${BIN} ${argv.join(' ')}`;
  let out = '';
  let exit;
  try {
    const t0 = now();
    const child = spawn(BIN, argv, { cwd: repo, env: tmux.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise((resolve) => {
      child.on('error', (err) => resolve((exit = { code: null, error: err.message, t: now() })));
      child.on('exit', (code, signal) => resolve((exit = { code, signal, t: now() })));
    });
    let tBeats;
    try {
      tBeats = await waitForFiles(beats, {
        intervalMs: 5,
        timeoutMs: 60_000,
        abort: () => (exit && exit.code !== 0 ? `flotilla up exited with ${exit.code ?? exit.signal ?? exit.error}` : undefined),
      });
    } catch (err) {
      await Promise.race([exited, timeout(5000)]);
      throw new FlotillaFailure(report(`flotilla up (N=${n}) did not bring every agent up: ${err.message}`, cmd, out, state));
    }
    await Promise.race([exited, timeout(60_000)]);
    if (!exit) throw new FlotillaFailure(report(`flotilla up (N=${n}) started every agent but did not exit within 60 s`, cmd, out, state));
    if (exit.code !== 0) throw new FlotillaFailure(report(`flotilla up (N=${n}) exited with ${exit.code ?? exit.signal}`, cmd, out, state));
    return { ms: tBeats - t0, upReturnedMs: exit.t - t0 };
  } finally {
    teardownFlotilla(ctx, issues, n);
  }
}

/** `flotilla down --force`, then kill the server, stray supervisor and agent processes, and the temp dir. */
function teardownFlotilla({ root, repo, home, tmux, state, beats }, issues, n) {
  const agents = heartbeatPids(beats);
  const supervisors = registryPids(home);
  const down = spawnSync(BIN, ['down', MISSION, '--socket', tmux.socket, '--force'], { cwd: repo, env: tmux.env, encoding: 'utf8', timeout: 30_000 });
  if (down.status !== 0) {
    issues.push(report(`flotilla down (N=${n}) exited with ${down.status ?? down.signal ?? down.error?.message}`, `${BIN} down ${MISSION} --socket ${tmux.socket} --force`, `${down.stdout ?? ''}${down.stderr ?? ''}`, state));
  } else {
    const alive = supervisors.filter(pidAlive);
    if (alive.length) issues.push(`flotilla down (N=${n}) returned 0 but supervisor pid(s) ${alive.join(', ')} are still alive\n  log: ${join(state, 'supervisor.log')}\n${indent(tail(join(state, 'supervisor.log')))}`);
  }
  tmux.kill();
  killPids([...supervisors, ...agents]);
  root.remove();
}

async function baselineRun(n) {
  const ctx = setup(n);
  const { root, repo, tmux, beats } = ctx;
  try {
    const node = process.execPath;
    const t0 = now();
    mkdirSync(join(ctx.state, 'heartbeats'), { recursive: true });
    const wts = [];
    for (const o of names(n)) {
      const wt = join(repo, '.flotilla', 'worktrees', o);
      execFileSync('git', ['worktree', 'add', '-b', `flotilla/${MISSION}/${o}`, wt, 'main'], { cwd: repo, env: tmux.env, stdio: ['ignore', 'pipe', 'pipe'] });
      wts.push(wt);
    }
    const chain = [];
    names(n).forEach((o, i) => {
      const env = ['-e', `FLOTILLA_HEARTBEAT_FILE=${beats[i]}`, '-e', `FLOTILLA_ORCHESTRATOR=${o}`];
      const launch = ['-c', wts[i], ...env, node, BIN, 'sim-agent'];
      if (i === 0) chain.push('new-session', '-d', '-s', `flotilla-${MISSION}`, '-n', o, '-x', '240', '-y', '64', ...launch);
      else chain.push(';', 'new-window', '-d', '-t', `flotilla-${MISSION}:`, '-n', o, ...launch);
    });
    const r = tmux.tmux(chain, { cwd: repo });
    if (r.status !== 0) throw new Error(`baseline tmux chain failed (${r.status}): ${r.stderr}`);
    const t1 = await waitForFiles(beats, { intervalMs: 5, timeoutMs: 60_000 });
    return { ms: t1 - t0 };
  } finally {
    const agents = heartbeatPids(beats);
    tmux.kill();
    killPids(agents);
    root.remove();
  }
}

function report(what, cmd, output, state) {
  return failureReport(what, cmd, output, join(state, 'supervisor.log'));
}

const indent = (s) => s.split('\n').map((l) => `    ${l}`).join('\n');

export async function run(args) {
  const opts = parseArgs(args, { sizes: '4,8,16', runs: '5', 'budget-s': '170' });
  const sizes = opts.sizes.split(',').map(Number);
  const runs = Number(opts.runs);
  const budgetMs = Number(opts['budget-s']) * 1000;
  const start = now();
  const issues = [];
  const notes = [];
  console.log(`up: ${description}`);
  console.log(`flotilla: ${BIN} up MISSION --socket bench-<random>   (layout grid, sim agents, no tasks; fresh temp repo, FLOTILLA_HOME and tmux server per run)`);
  console.log(`baseline: git worktree add -b flotilla/${MISSION}/<o> <dir> main (sequential) + one chained tmux new-session/new-window call running node bin/flotilla sim-agent`);
  console.log(`measured: start → every heartbeat file exists (polled every 5 ms); runs interleaved, order alternating; 1 untimed warm-up pair at N=${sizes[0]}\n`);

  const results = [];
  const failures = [];
  /** One timed flotilla run; a failed attempt is reported and retried (fresh everything), at most MAX_ATTEMPTS times. */
  const flotillaTimed = async (n) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await flotillaRun(n, issues);
      } catch (err) {
        if (!(err instanceof FlotillaFailure)) throw err;
        failures.push({ n, report: err.message });
        console.log(`  N=${String(n).padStart(2)} FLOTILLA FAILURE (attempt ${attempt}, excluded from timings):\n${indent(err.message)}`);
        if (attempt >= MAX_ATTEMPTS) throw new FlotillaFailure(`N=${n}: ${MAX_ATTEMPTS} attempts in a row failed; giving up`);
      }
    }
  };
  try {
    await flotillaTimed(sizes[0]);
    await baselineRun(sizes[0]);
    for (const n of sizes) {
      const f = [];
      const b = [];
      const ret = [];
      let pairMs = 0;
      for (let i = 0; i < runs; i++) {
        const elapsed = now() - start;
        if (i > 0 && elapsed + pairMs * 1.2 > budgetMs) {
          notes.push(`N=${n}: stopped after ${i} of ${runs} runs each to stay within the ${budgetMs / 1000} s budget`);
          break;
        }
        const p0 = now();
        const order = i % 2 === 0 ? ['flotilla', 'baseline'] : ['baseline', 'flotilla'];
        for (const which of order) {
          if (which === 'flotilla') {
            const r = await flotillaTimed(n);
            f.push(r.ms);
            ret.push(r.upReturnedMs);
          } else {
            b.push((await baselineRun(n)).ms);
          }
        }
        pairMs = now() - p0;
        process.stdout.write(`  N=${String(n).padStart(2)} run ${i + 1}: flotilla ${ms(f.at(-1))} ms (up returned ${ms(ret.at(-1))} ms), baseline ${ms(b.at(-1))} ms\n`);
      }
      results.push({ n, flotilla: summary(f), baseline: summary(b), upReturned: summary(ret), failedAttempts: failures.filter((x) => x.n === n).length, samples: { flotilla: f, baseline: b, upReturned: ret } });
    }
  } catch (err) {
    if (!(err instanceof FlotillaFailure)) throw err;
    console.log(`\nbenchmark aborted: ${err.message}`);
    issues.push(err.message);
  }

  if (results.length) {
    console.log('');
    printTable(
      ['N', 'runs', 'flotilla median ms', 'baseline median ms', 'ratio', 'flotilla p99 ms', 'baseline p99 ms', 'up returned median ms', 'failed up'],
      results.map((r) => [r.n, r.flotilla.n, ms(r.flotilla.median), ms(r.baseline.median), ratio(r.flotilla.median, r.baseline.median), ms(r.flotilla.p99), ms(r.baseline.p99), ms(r.upReturned.median), r.failedAttempts]),
    );
  }
  const t = results.find((r) => r.n === TARGET.n);
  const verdict = t ? `${(t.flotilla.median / t.baseline.median).toFixed(2)}x → ${t.flotilla.median / t.baseline.median <= TARGET.ratio ? 'met' : 'NOT met'}` : 'not measured';
  console.log(`\ntarget: ratio ≤ ${TARGET.ratio} at N = ${TARGET.n}: ${verdict}`);
  console.log('(p99 of ≤5 samples is the maximum; "up returned" = when the `flotilla up` command itself exited;');
  console.log(' "failed up" = attempts where flotilla up failed, reported above, excluded from timings and retried)');
  if (failures.length) console.log(`\n${failures.length} failed flotilla up attempt(s) (warm-up included); each is reported above with its output and supervisor.log (the temp dirs are gone; the reports are also in the results JSON)`);
  for (const note of notes) console.log(`note: ${note}`);
  if (issues.length) {
    console.log(`\n${issues.length} other flotilla issue(s):`);
    for (const i of issues) console.log(`- ${i}`);
  }
  const file = writeResults('up', { target: TARGET, runsPerSize: runs, results, failures, notes, issues, wallSeconds: (now() - start) / 1000 });
  console.log(`\nresults: ${file}  (wall ${((now() - start) / 1000).toFixed(0)} s)`);
  return issues.length || failures.length ? 1 : 0;
}
