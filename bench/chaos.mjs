// `chaos`: SIGKILL storms. Each run brings up a mission of 24 sim tasks on 4
// orchestrators and SIGKILLs its supervisor 8 times at random moments, some
// during bring-up (while `up` waits for it), the rest while tasks run, then
// starts it again each time. At the end `up --wait` must finish the mission,
// every task must be done exactly once (the event log), and each task's
// commit must exist exactly once, on its own branch. Restart times (`up`
// spawned → `up` returned ready) are compared with a clean first start of the
// same mission measured in the same run.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BIN,
  createRepo,
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
  sleep,
  tail,
  tempRoot,
  writeResults,
} from './lib.mjs';

export const description = 'SIGKILL storms (8 kills incl. bring-up, 24 tasks, 4 orchestrators): every task done once, commits on their own branch once';

const MISSION = 'chaos';

function mission(orchestrators, tasks, durationMs) {
  const lines = [`name: ${MISSION}`, 'repo: .', 'agent: { kind: sim }', 'orchestrators:'];
  for (let i = 1; i <= orchestrators; i++) lines.push(`  - { name: o${i}, role: backend-dev }`);
  lines.push('tasks:');
  // Varied lengths, so kills land at different points of different tasks.
  for (let i = 1; i <= tasks; i++) lines.push(`  - { id: t${i}, title: Task ${i}, sim: { duration_ms: ${Math.round(durationMs * (0.6 + ((i * 7) % 9) / 10))} } }`);
  return `${lines.join('\n')}\n`;
}

function setup(opts) {
  const root = tempRoot('flb-chaos-');
  const repo = createRepo(join(root.dir, 'repo'), { 'flotilla.yaml': mission(opts.orchestrators, opts.tasks, opts.durationMs) });
  const home = join(root.dir, 'home');
  mkdirSync(home);
  const tmux = privateTmux(root.dir, { FLOTILLA_HOME: home, FLOTILLA_SIM_SPEED: '1' });
  const state = join(home, 'missions', tmux.socket, MISSION);
  return { root, repo, home, tmux, state };
}

/** Spawn `flotilla ARGS`; resolves with its exit and output, and when it exited (performance.now()). */
function flotilla(ctx, args, timeoutMs = 120_000) {
  return new Promise((resolve) => {
    const child = spawn(BIN, [...args, '--socket', ctx.tmux.socket], { cwd: ctx.repo, env: ctx.tmux.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, out, t: now() });
    });
  });
}

const supervisorPid = (home) => registryPids(home).find(pidAlive);

function teardown(ctx) {
  const beats = Array.from({ length: 32 }, (_, i) => join(ctx.state, 'heartbeats', `o${i + 1}.json`));
  const pids = [...registryPids(ctx.home), ...heartbeatPids(beats)];
  const log = process.env.CHAOS_DEBUG ? tail(join(ctx.state, 'supervisor.log'), 100000) : '';
  try {
    execFileSync(BIN, ['down', MISSION, '--socket', ctx.tmux.socket, '--force'], { cwd: ctx.repo, env: ctx.tmux.env, stdio: 'ignore', timeout: 30_000 });
  } catch {}
  ctx.tmux.kill();
  killPids(pids);
  // A tmux server of this run still alive here is a leak: said, then killed by pid (its socket name is this run's own).
  const stray = pgrep(`tmux -L ${ctx.tmux.socket} `);
  if (stray.length > 0) {
    console.log(`  note: ${stray.length} tmux process(es) of ${ctx.tmux.socket} outlived down and kill-server: ${stray.map((p) => `${p.pid} (${p.args.slice(0, 80)})`).join('; ')}`);
    killPids(stray.map((p) => p.pid));
    if (process.env.CHAOS_DEBUG) {
      const lines = log.split('\n').filter((l) => /tmux session|supervisor \d+ (starting|stopped)|start-up failed|server|ready/.test(l));
      console.log(lines.map((l) => `    ${l}`).join('\n'));
    }
  }
  ctx.root.remove();
}

function pgrep(pattern) {
  try {
    return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .map((l) => /^\s*(\d+)\s+(.*)$/.exec(l))
      .filter((m) => m && m[2].includes(pattern))
      .map((m) => ({ pid: Number(m[1]), args: m[2] }));
  } catch {
    return [];
  }
}

/** A clean `up` of the same mission (nothing killed): the baseline for restart times. */
async function coldStart(opts) {
  const ctx = setup(opts);
  try {
    const t0 = now();
    const r = await flotilla(ctx, ['up']);
    if (r.code !== 0) throw new Error(`clean flotilla up failed (${r.code}):\n${r.out}`);
    return r.t - t0;
  } finally {
    teardown(ctx);
  }
}

/** The moments to kill at: the first during bring-up, then each a coin toss between bring-up and the run. */
function plan(kills, rand) {
  return Array.from({ length: kills }, (_, k) => (k === 0 || rand() < 0.35 ? { phase: 'bring-up', delayMs: 20 + rand() * 1200 } : { phase: 'run', delayMs: 300 + rand() * 3000 }));
}

async function stormRun(opts, rand, log) {
  const ctx = setup(opts);
  const restarts = [];
  const notes = [];
  try {
    let running = false;
    for (const kill of plan(opts.kills, rand)) {
      if (kill.phase === 'bring-up') {
        // up spawned, and its supervisor killed while `up` still waits for it to be ready.
        let exited = false;
        const up = flotilla(ctx, ['up']).then((r) => ((exited = true), r));
        await sleep(kill.delayMs);
        // Too early for a supervisor to be registered: kill it the moment it is.
        let pid = supervisorPid(ctx.home);
        for (let i = 0; !pid && !exited && i < 500; i++, await sleep(5)) pid = supervisorPid(ctx.home);
        if (pid) process.kill(pid, 'SIGKILL');
        const r = await up;
        running = r.code === 0;
        notes.push(`bring-up +${Math.round(kill.delayMs)} ms${running ? ' (up before the kill)' : ''}`);
        if (!pid && r.code !== 0) throw new Error(`flotilla up failed without a kill (${r.code}):\n${r.out}`);
        continue;
      }
      if (!running) {
        const t0 = now();
        const r = await flotilla(ctx, ['up']);
        if (r.code !== 0) throw new Error(`flotilla up after a kill failed (${r.code}):\n${r.out}`);
        restarts.push(r.t - t0);
        running = true;
      }
      await sleep(kill.delayMs);
      const pid = supervisorPid(ctx.home);
      if (pid) process.kill(pid, 'SIGKILL');
      running = false;
      notes.push(`run +${Math.round(kill.delayMs)} ms`);
    }
    const t0 = now();
    const again = await flotilla(ctx, ['up']);
    if (again.code !== 0) throw new Error(`flotilla up after the last kill failed (${again.code}):\n${again.out}`);
    restarts.push(again.t - t0);
    const wait = await flotilla(ctx, ['up', '--wait', '--timeout', String(opts.waitS)], (opts.waitS + 30) * 1000);
    return { ...check(ctx, opts, wait), restarts, kills: notes };
  } catch (err) {
    log(`  run failed: ${err.message}\n  log: ${join(ctx.state, 'supervisor.log')}\n${tail(join(ctx.state, 'supervisor.log'), 20)}`);
    return { passed: false, doneOnce: 0, commitsOnce: 0, restarts, kills: notes, error: err.message };
  } finally {
    teardown(ctx);
  }
}

/** Every task done exactly once in the event log; each task's commit exactly once, on its own branch and no other task's. */
function check(ctx, opts, wait) {
  const events = readFileSync(join(ctx.state, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const ids = Array.from({ length: opts.tasks }, (_, i) => `t${i + 1}`);
  const doneOnce = ids.filter((id) => events.filter((e) => e.task === id && e.to === 'done').length === 1).length;
  const git = (...args) => execFileSync('git', args, { cwd: ctx.repo, encoding: 'utf8' });
  const commits = git('log', '--all', '--format=%H %s').trim().split('\n');
  let commitsOnce = 0;
  const wrong = [];
  for (const id of ids) {
    const mine = commits.filter((l) => l.slice(41).startsWith(`Task ${id}:`));
    if (mine.length !== 1) {
      wrong.push(`${id}: ${mine.length} commits`);
      continue;
    }
    const branches = git('branch', '--contains', mine[0].slice(0, 40), '--format=%(refname:short)').trim().split('\n');
    const taskBranches = branches.filter((b) => /^flotilla\/chaos\/t\d+$/.test(b));
    if (taskBranches.length === 1 && taskBranches[0] === `flotilla/${MISSION}/${id}`) commitsOnce++;
    else wrong.push(`${id}: on ${taskBranches.join(', ') || 'no task branch'}`);
  }
  const passed = wait.code === 0 && doneOnce === opts.tasks && commitsOnce === opts.tasks;
  return { passed, doneOnce, commitsOnce, waitExit: wait.code, wrong, waitOut: passed ? undefined : wait.out };
}

/** mulberry32: a seeded generator, so a failing storm can be run again with --seed. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function run(args) {
  const o = parseArgs(args, { runs: '5', kills: '8', tasks: '24', orchestrators: '4', 'duration-ms': '2500', 'wait-s': '240', seed: String(Date.now() % 100000) });
  const opts = { runs: Number(o.runs), kills: Number(o.kills), tasks: Number(o.tasks), orchestrators: Number(o.orchestrators), durationMs: Number(o['duration-ms']), waitS: Number(o['wait-s']) };
  const seed = Number(o.seed);
  const rand = seeded(seed);
  console.log(`chaos: ${opts.runs} runs × ${opts.kills} SIGKILLs of the supervisor, ${opts.tasks} tasks on ${opts.orchestrators} sim orchestrators (seed ${seed})`);
  const results = [];
  for (let i = 1; i <= opts.runs; i++) {
    const cold = await coldStart(opts);
    const r = await stormRun(opts, rand, (m) => console.log(m));
    results.push({ run: i, cold, ...r });
    const line = `run ${i}: ${r.passed ? 'passed' : 'FAILED'}; done once ${r.doneOnce}/${opts.tasks}, commits on own branch once ${r.commitsOnce}/${opts.tasks}; kills: ${r.kills.join(', ')}`;
    console.log(line);
    if (!r.passed && r.wrong?.length) console.log(`  wrong: ${r.wrong.slice(0, 8).join('; ')}`);
    if (!r.passed && r.waitOut) console.log(`  up --wait (exit ${r.waitExit}):\n${r.waitOut.trim().split('\n').slice(-12).map((l) => `    ${l}`).join('\n')}`);
  }
  console.log('');
  printTable(
    ['run', 'result', 'done once', 'commits once', 'restarts', 'restart p50 ms', 'restart max ms', 'clean up ms', 'p50 ratio'],
    results.map((r) => [r.run, r.passed ? 'passed' : 'FAILED', `${r.doneOnce}/${opts.tasks}`, `${r.commitsOnce}/${opts.tasks}`, r.restarts.length, ms(median(r.restarts)), ms(Math.max(...r.restarts)), ms(r.cold), ratio(median(r.restarts), r.cold)]),
  );
  const all = results.flatMap((r) => r.restarts);
  const colds = results.map((r) => r.cold);
  const passed = results.filter((r) => r.passed).length;
  console.log(`\nruns passed: ${passed}/${opts.runs} (target: all); restart after a kill: median ${ms(median(all))} ms, max ${ms(Math.max(...all))} ms; clean start median ${ms(median(colds))} ms (${ratio(median(all), median(colds))})`);
  console.log(`results: ${writeResults('chaos', { seed, opts, results })}`);
  return passed === opts.runs ? 0 : 1;
}
