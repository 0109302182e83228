// `dispatch`: latency from an agent's `flotilla done` returning to the next
// task's text arriving (pasted and submitted) in that same pane, p50 and p99
// over >= 200 task hand-overs, with 4 and 16 sim orchestrators. Baseline in the
// same run: the minimum by hand, a small node process (this file with --driver)
// that fs.watches a directory and, when a sim agent's "done" drops a file in it,
// pastes the next task into that pane with load-buffer / paste-buffer -p / send-keys.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { watch } from 'node:fs';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  BIN,
  ROOT,
  cpuOf,
  createRepo,
  failureReport,
  heartbeatPids,
  killPids,
  ms,
  now,
  onCleanup,
  parseArgs,
  percentile,
  printTable,
  privateTmux,
  procCpuSeconds,
  ratio,
  registryPids,
  release,
  sleep,
  tempRoot,
  timeout,
  waitForFiles,
  writeResults,
} from './lib.mjs';

export const description = 'flotilla done → next task submitted in that pane, p50/p99, N = 4, 16 sim agents, vs. fs.watch + paste by hand';

const MISSION = 'bench';
const ROLE = 'backend-dev';
const TARGET = { p50: 100, p99: 300 };
const names = (n) => Array.from({ length: n }, (_, i) => `o${i + 1}`);
const taskId = (i) => `t${String(i + 1).padStart(3, '0')}`;
/** Deterministic task scripts: 0..50 ms of "work", one file each. */
const taskList = (count) =>
  Array.from({ length: count }, (_, i) => ({ id: taskId(i), title: `Bench task ${taskId(i)}`, sim: { duration_ms: (i * 37) % 51, file: `f/${taskId(i)}.txt` } }));

function missionYaml(n, tasks, logs) {
  const lines = [`name: ${MISSION}`, 'repo: .', 'layout: grid', 'agent: { kind: sim }', 'orchestrators:'];
  names(n).forEach((o, i) => {
    const env = { FLOTILLA_SIM_SPEED: '1', FLOTILLA_SIM_LOG: logs[i], FLOTILLA_SIM_TIMING_LOG: logs[i] };
    lines.push(`  - { name: ${o}, role: ${ROLE}, agent: { kind: sim, env: ${JSON.stringify(env)} } }`);
  });
  lines.push('tasks:');
  for (const t of tasks) lines.push(`  - { id: ${t.id}, title: ${JSON.stringify(t.title)}, sim: ${JSON.stringify(t.sim)} }`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- logs → samples

function readJsonLines(file) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {}
  }
  return out;
}

/**
 * One orchestrator's sim log → hand-overs. The agent runs its prompts one after
 * another, so the j-th "done-returned" belongs to the j-th submitted prompt.
 * A prompt for the same task as the one just before it is a re-delivery (the
 * supervisor pasted it again), not a new task: consecutive runs of one task are
 * collapsed, and a hand-over goes from the first time the task's done returned
 * to the first submit of the next, different task.
 */
function handOvers(o, file) {
  const entries = readJsonLines(file);
  const submits = entries.filter((e) => typeof e.text === 'string').sort((a, b) => a.ts - b.ts);
  const dones = entries.filter((e) => e.event === 'done-returned').sort((a, b) => a.ts - b.ts);
  const idOf = (text) => /^Task (t\d+):/.exec(text)?.[1] ?? '?';
  const runs = [];
  submits.forEach((sub, j) => {
    const id = idOf(sub.text);
    const last = runs.at(-1);
    if (last && last.id === id) last.repeats++;
    else runs.push({ id, submitted: sub.ts, done: dones[j], repeats: 0 });
  });
  const out = [];
  let failedDones = 0;
  for (let k = 0; k + 1 < runs.length; k++) {
    const prev = runs[k];
    const next = runs[k + 1];
    if (!prev.done) break;
    if (prev.done.exit !== 0) {
      failedDones++;
      continue;
    }
    out.push({ o, prev: prev.id, next: next.id, ...(prev.repeats ? { prevRedelivered: prev.repeats } : {}), doneReturned: prev.done.ts, submitted: next.submitted, ms: next.submitted - prev.done.ts });
  }
  return { samples: out, submits: submits.length, redelivered: runs.reduce((a, r) => a + r.repeats, 0), dones: dones.length, failedDones };
}

/** supervisor.log: "HH:MM:SS.mmm o1: t004 done: ..." and "HH:MM:SS.mmm o1: starting t009 on ..." (UTC) → epoch ms by "o1:t004". */
function supervisorMarks(file, dayOf) {
  const done = new Map();
  const starting = new Map();
  const day = new Date(dayOf);
  const base = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {}
  for (const line of text.split('\n')) {
    const m = /^(\d\d):(\d\d):(\d\d)\.(\d{3}) (\S+): (?:(t\d+) done:|starting (t\d+) on )/.exec(line);
    if (!m) continue;
    let t = base + ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
    if (t - dayOf > 12 * 3600_000) t -= 86_400_000; // the log's day began before the run's reference point
    const map = m[6] ? done : starting;
    const key = `${m[5]}:${m[6] ?? m[7]}`; // orchestrator:task, first occurrence
    if (!map.has(key)) map.set(key, t);
  }
  return { done, starting };
}

/** Whole-machine CPU counters from /proc/stat (Linux), to show how busy the cores were during a run. */
function cpuTicks() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    return { idle, total: f.reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}
const busyPercent = (a, b) => (a && b && b.total > a.total ? (100 * (1 - (b.idle - a.idle) / (b.total - a.total))) : NaN);

const pct = (xs, p) => (xs.length ? percentile(xs, p) : NaN);
const stats = (xs) => ({ n: xs.length, p50: pct(xs, 50), p90: pct(xs, 90), p99: pct(xs, 99), min: xs.length ? Math.min(...xs) : NaN, max: xs.length ? Math.max(...xs) : NaN });

// ---------------------------------------------------------------- flotilla run

const NOTABLE = /delivery needed|ignored "|nudging|restarting|again \(|did not take|could not start|stalled|work loop:/;

async function flotillaRun(n, tasks, timeoutS) {
  const root = tempRoot('flb-dispatch-');
  const logsDir = join(root.dir, 'logs');
  mkdirSync(logsDir);
  const logs = names(n).map((o) => join(logsDir, `${o}.jsonl`));
  const repo = createRepo(join(root.dir, 'repo'), { 'flotilla.yaml': missionYaml(n, tasks, logs) });
  const home = join(root.dir, 'home');
  mkdirSync(home);
  const tmux = privateTmux(root.dir, { FLOTILLA_HOME: home });
  const state = join(home, 'missions', tmux.socket, MISSION);
  const supLog = join(state, 'supervisor.log');
  const beats = names(n).map((o) => join(state, 'heartbeats', `${o}.json`));
  const argv = ['up', join(repo, 'flotilla.yaml'), '--socket', tmux.socket, '--wait', '--timeout', String(timeoutS)];
  const cmd = `FLOTILLA_HOME=${home} TMUX_TMPDIR=${tmux.env.TMUX_TMPDIR} ${BIN} ${argv.join(' ')}`;
  const issues = [];
  let out = '';
  try {
    const t0 = now();
    const child = spawn(BIN, argv, { cwd: repo, env: tmux.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exit = await new Promise((resolve) => {
      child.on('error', (err) => resolve({ code: null, error: err.message }));
      child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    const wallS = (now() - t0) / 1000;
    const lastLine = out.trim().split('\n').at(-1) ?? '';
    if (exit.code !== 0) issues.push(failureReport(`flotilla up --wait (N=${n}) exited with ${exit.code ?? exit.signal ?? exit.error}`, cmd, out, supLog));
    const per = names(n).map((o, i) => handOvers(o, logs[i]));
    const samples = per.flatMap((p) => p.samples);
    const marks = supervisorMarks(supLog, samples[0]?.doneReturned ?? Date.now());
    // events.jsonl: the ts of each task's "assigned" transition (the dispatch decision, before its fsync'd append).
    const assigned = new Map();
    for (const e of readJsonLines(join(state, 'events.jsonl'))) {
      const key = `${e.orchestrator}:${e.task}`;
      if (e.to === 'assigned' && !assigned.has(key)) assigned.set(key, e.ts);
    }
    for (const s of samples) {
      const d = marks.done.get(`${s.o}:${s.prev}`);
      const a = assigned.get(`${s.o}:${s.next}`);
      const st = marks.starting.get(`${s.o}:${s.next}`);
      if (d === undefined || a === undefined || st === undefined) continue;
      s.stages = { doneToLogged: d - s.doneReturned, loggedToAssigned: a - d, assignedToStarting: st - a, startingToSubmitted: s.submitted - st };
    }
    const submits = per.reduce((a, p) => a + p.submits, 0);
    const panesOf = new Map(); // task → panes its prompt reached
    names(n).forEach((o, i) => {
      for (const e of readJsonLines(logs[i])) if (typeof e.text === 'string') panesOf.set(e.text.split('\n')[0], new Set([...(panesOf.get(e.text.split('\n')[0]) ?? []), o]));
    });
    if (panesOf.size !== tasks.length) issues.push(`flotilla (N=${n}): ${panesOf.size} distinct tasks reached the agents, of ${tasks.length}`);
    const twice = [...panesOf].filter(([, ps]) => ps.size > 1);
    if (twice.length) issues.push(`flotilla (N=${n}): ${twice.length} task(s) were run by two agents: ${twice.map(([t, ps]) => `${t.split(':')[0]} (${[...ps].join(', ')})`).join('; ')}`);
    const failedDones = per.reduce((a, p) => a + p.failedDones, 0);
    if (failedDones) issues.push(`flotilla (N=${n}): ${failedDones} "flotilla done" call(s) failed (excluded)`);
    const redelivered = per.reduce((a, p) => a + p.redelivered, 0);
    // Anything in supervisor.log beyond the plain done → starting rhythm: retried deliveries, ignored signals, nudges.
    const notable = (existsSync(supLog) ? readFileSync(supLog, 'utf8') : '').split('\n').filter((l) => NOTABLE.test(l));
    const cpu = {
      tmuxServer: tmuxServerCpu(tmux),
      supervisor: cpuOf(registryPids(home)), // children: git, tmux
      agents: cpuOf(heartbeatPids(beats)), // children: flotilla done, git
    };
    return { samples, submits, redelivered, wallS, upSummary: lastLine, notable, cpu, issues };
  } finally {
    const agents = heartbeatPids(beats);
    const supervisors = registryPids(home);
    const down = spawnSync(BIN, ['down', MISSION, '--socket', tmux.socket, '--force'], { cwd: repo, env: tmux.env, encoding: 'utf8', timeout: 30_000 });
    if (down.status !== 0) issues.push(failureReport(`flotilla down (N=${n}) exited with ${down.status ?? down.signal ?? down.error?.message}`, `${BIN} down ${MISSION} --socket ${tmux.socket} --force`, `${down.stdout ?? ''}${down.stderr ?? ''}`, supLog));
    tmux.kill();
    killPids([...supervisors, ...agents]);
    root.remove();
  }
}

/** CPU seconds of the private tmux server so far. */
function tmuxServerCpu(tmux) {
  const pid = Number(tmux.tmux(['display-message', '-p', '#{pid}']).stdout?.trim());
  const c = pid > 0 ? procCpuSeconds(pid) : undefined;
  return c ? { self: c.self, children: c.children, n: 1 } : { self: 0, children: 0, n: 0 };
}

// ---------------------------------------------------------------- baseline run

/** What the baseline's sim agents run as FLOTILLA_BIN: drop `<orchestrator>.<pid>.sig` into the watched directory. */
const SIGNAL_SCRIPT = `#!/bin/sh
# bench/dispatch.mjs baseline: "$0 done --summary TEXT" -> one file in $BENCH_SIGNAL_DIR
f="$BENCH_SIGNAL_DIR/.$FLOTILLA_ORCHESTRATOR.$$.tmp"
printf '%s\\n' "$3" > "$f" && mv "$f" "$BENCH_SIGNAL_DIR/$FLOTILLA_ORCHESTRATOR.$$.sig"
`;

async function baselineRun(n, tasks, timeoutS) {
  const root = tempRoot('flb-dispatch-');
  const logsDir = join(root.dir, 'logs');
  const sigDir = join(root.dir, 'signals');
  const beatDir = join(root.dir, 'heartbeats');
  for (const d of [logsDir, sigDir, beatDir]) mkdirSync(d);
  const logs = names(n).map((o) => join(logsDir, `${o}.jsonl`));
  const beats = names(n).map((o) => join(beatDir, `${o}.json`));
  const driverLog = join(logsDir, 'driver.jsonl');
  const signalBin = join(root.dir, 'signal.sh');
  writeFileSync(signalBin, SIGNAL_SCRIPT);
  chmodSync(signalBin, 0o755);
  const repo = createRepo(join(root.dir, 'repo'));
  const tmux = privateTmux(root.dir);
  const issues = [];
  let driverPid;
  const killDriver = onCleanup(() => driverPid && killPids([driverPid], 500));
  try {
    const wts = names(n).map((o) => {
      const wt = join(repo, '.flotilla', 'worktrees', o);
      spawnSync('git', ['worktree', 'add', '-q', '-b', `bench/${o}`, wt, 'main'], { cwd: repo, env: tmux.env });
      return wt;
    });
    const chain = [];
    names(n).forEach((o, i) => {
      const env = {
        FLOTILLA_ORCHESTRATOR: o,
        FLOTILLA_HEARTBEAT_FILE: beats[i],
        FLOTILLA_SIM_REPORT: '1',
        FLOTILLA_BIN: signalBin,
        FLOTILLA_SIM_SPEED: '1',
        FLOTILLA_SIM_LOG: logs[i],
        FLOTILLA_SIM_TIMING_LOG: logs[i],
        BENCH_SIGNAL_DIR: sigDir,
      };
      const launch = ['-c', wts[i], ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), process.execPath, BIN, 'sim-agent'];
      if (i === 0) chain.push('new-session', '-d', '-s', MISSION, '-n', o, '-x', '240', '-y', '64', ...launch);
      else chain.push(';', 'new-window', '-d', '-t', `${MISSION}:`, '-n', o, ...launch);
    });
    const r = tmux.tmux(chain, { cwd: repo });
    if (r.status !== 0) throw new Error(`baseline tmux chain failed (${r.status}): ${r.stderr}`);
    const paneList = tmux.tmux(['list-panes', '-s', '-t', MISSION, '-F', '#{window_name} #{pane_id}']).stdout.trim().split('\n');
    const panes = Object.fromEntries(paneList.map((l) => l.split(' ')));
    const config = join(root.dir, 'driver.json');
    const driverCpu = join(logsDir, 'driver-cpu.json');
    writeFileSync(config, JSON.stringify({ socket: tmux.socket, panes, tasks, sigDir, beats, driverLog, driverCpu, mission: MISSION, role: ROLE }));
    const t0 = now();
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'dispatch.mjs'), '--driver', config], { env: tmux.env, stdio: ['ignore', 'pipe', 'pipe'] });
    driverPid = child.pid;
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exit = await Promise.race([
      new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
      timeout(timeoutS * 1000).then(() => ({ code: null, signal: 'timeout' })),
    ]);
    const wallS = (now() - t0) / 1000;
    if (exit.code !== 0) issues.push(`baseline driver (N=${n}) ended with ${exit.code ?? exit.signal}:\n${out.trim()}`);
    await sleep(200); // the last prompt lines and done-returned lines land
    const per = names(n).map((o, i) => handOvers(o, logs[i]));
    const samples = per.flatMap((p) => p.samples);
    const deliveries = new Map(readJsonLines(driverLog).map((e) => [e.task, e]));
    for (const s of samples) {
      const d = deliveries.get(s.next);
      if (!d) continue;
      s.stages = { doneToSeen: d.seen - s.doneReturned, seenToSent: d.sent - d.seen, sentToSubmitted: s.submitted - d.sent };
    }
    const submits = per.reduce((a, p) => a + p.submits, 0);
    if (submits !== tasks.length) issues.push(`baseline (N=${n}): ${submits} prompts submitted for ${tasks.length} tasks`);
    let driverCpuS = { self: 0, children: 0, n: 0 };
    try {
      driverCpuS = { ...JSON.parse(readFileSync(driverCpu, 'utf8')), n: 1 };
    } catch {}
    const cpu = { tmuxServer: tmuxServerCpu(tmux), driver: driverCpuS, agents: cpuOf(heartbeatPids(beats)) };
    return { samples, submits, redelivered: per.reduce((a, p) => a + p.redelivered, 0), wallS, cpu, issues };
  } finally {
    const agents = heartbeatPids(beats);
    release(killDriver);
    tmux.kill();
    killPids(agents);
    root.remove();
  }
}

// ---------------------------------------------------------------- the baseline's driver (child process)

async function driver(configFile) {
  const cfg = JSON.parse(readFileSync(configFile, 'utf8'));
  const { composePrompt } = await import(pathToFileURL(join(ROOT, 'dist', 'supervisor', 'prompt.js')).href);
  const env = { ...process.env };
  delete env.TMUX;
  delete env.TMUX_PANE;
  const tmux = (args, input) =>
    new Promise((resolve, reject) => {
      const c = execFile('tmux', ['-L', cfg.socket, ...args], { env }, (err, stdout, stderr) => (err ? reject(new Error(`tmux ${args[0]}: ${stderr || err.message}`)) : resolve(stdout)));
      if (input !== undefined) c.stdin.end(input);
    });
  const timings = [];
  let next = 0;
  let signals = 0;
  let failed;
  const give = async (o, seen) => {
    if (next >= cfg.tasks.length) return;
    const t = cfg.tasks[next++];
    const pane = cfg.panes[o];
    const branch = `flotilla/${cfg.mission}/${t.id}`;
    const text = composePrompt({ mission: cfg.mission, orchestrator: o, role: cfg.role, task: { id: t.id, title: t.title, body: undefined }, branch, deps: [], sim: t.sim });
    const buffer = `bench-${pane.slice(1)}`;
    try {
      await tmux(['load-buffer', '-b', buffer, '-'], text);
      await tmux(['paste-buffer', '-p', '-d', '-b', buffer, '-t', pane]);
      await tmux(['send-keys', '-t', pane, 'Enter']);
      timings.push(JSON.stringify({ task: t.id, o, seen, sent: Date.now() }));
    } catch (err) {
      failed = err;
    }
  };
  let resolveAll;
  const all = new Promise((r) => (resolveAll = r));
  let running = false;
  let again = false;
  const scan = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    do {
      again = false;
      const seen = Date.now();
      for (const f of (await readdir(cfg.sigDir)).filter((x) => x.endsWith('.sig')).sort()) {
        await rm(join(cfg.sigDir, f), { force: true });
        signals++;
        void give(f.split('.')[0], seen);
      }
    } while (again);
    running = false;
    if (signals >= cfg.tasks.length || failed) resolveAll();
  };
  const watcher = watch(cfg.sigDir, () => void scan());
  // The agents are ready once each has written its first heartbeat; then every pane gets its first task.
  await waitForFiles(cfg.beats, { intervalMs: 5, timeoutMs: 30_000 });
  await Promise.all(Object.keys(cfg.panes).map((o) => give(o, Date.now())));
  await all;
  watcher.close();
  writeFileSync(cfg.driverLog, timings.join('\n') + '\n');
  const own = procCpuSeconds(process.pid); // children: the tmux clients it ran
  if (own) writeFileSync(cfg.driverCpu, JSON.stringify(own));
  if (failed) throw failed;
}

// ---------------------------------------------------------------- main

export async function run(args) {
  const opts = parseArgs(args, { sizes: '4,16', samples: '200', 'timeout-s': '150' });
  const sizes = opts.sizes.split(',').map(Number);
  const minSamples = Number(opts.samples);
  const timeoutS = Number(opts['timeout-s']);
  if (!existsSync(join(ROOT, 'dist', 'supervisor', 'prompt.js'))) throw new Error('dist/ is missing: run npm run build');
  const start = now();
  console.log(`dispatch: ${description}`);
  console.log(`flotilla: ${BIN} up MISSION --socket bench-<random> --wait; N sim orchestrators, ${minSamples}+N independent tasks (sim duration 0..50 ms, one file each)`);
  console.log('baseline: a node process fs.watching a directory; each sim agent\'s FLOTILLA_BIN is a sh script dropping a file there; the next task text (same prompt) is');
  console.log('          pasted into that pane with tmux load-buffer - / paste-buffer -p -d / send-keys Enter (no branch switch, no task log, no 30 ms gap)');
  console.log('measured: per pane, (sim logs prompt submitted) - (sim logs `done` returned), consecutive tasks; Date.now() ms resolution\n');

  const results = [];
  const issues = [];
  let k = 0;
  for (const n of sizes) {
    const tasks = taskList(minSamples + n); // the first task of each pane has no hand-over before it
    const r = { n, tasks: tasks.length };
    const order = k++ % 2 === 0 ? ['flotilla', 'baseline'] : ['baseline', 'flotilla'];
    for (const which of order) {
      const load = loadavg()[0];
      const c0 = cpuTicks();
      const out = which === 'flotilla' ? await flotillaRun(n, tasks, timeoutS) : await baselineRun(n, tasks, timeoutS + 30);
      out.cpuBusy = busyPercent(c0, cpuTicks()); // whole machine, other users included; set-up and teardown too
      issues.push(...out.issues);
      const lat = out.samples.map((s) => s.ms);
      const stageNames = [...new Set(out.samples.flatMap((s) => Object.keys(s.stages ?? {})))];
      const stages = Object.fromEntries(stageNames.map((st) => [st, stats(out.samples.filter((s) => s.stages).map((s) => s.stages[st]))]));
      r[which] = { ...stats(lat), submits: out.submits, redelivered: out.redelivered, wallS: out.wallS, cpuBusyPercent: out.cpuBusy, loadAvg1Before: load, cpu: out.cpu, stages, samples: out.samples, ...(out.upSummary ? { upSummary: out.upSummary } : {}) };
      const st = Object.entries(stages).map(([name, s]) => `${name} ${ms(s.p50)}`).join(', ');
      console.log(`  N=${String(n).padStart(2)} ${which.padEnd(8)}: ${lat.length} hand-overs in ${out.wallS.toFixed(1)} s (CPUs ${out.cpuBusy.toFixed(0)}% busy, load ${load.toFixed(1)} before), p50 ${ms(r[which].p50)} ms, p99 ${ms(r[which].p99)} ms, max ${ms(r[which].max)} ms  (stage p50s: ${st || '-'})`);
      if (out.upSummary) console.log(`             up --wait: ${out.upSummary}`);
      if (out.redelivered) {
        const after = out.samples.filter((x) => x.prevRedelivered).map((x) => x.ms);
        console.log(`             ${out.submits} prompts submitted for ${tasks.length} tasks: ${out.redelivered} re-delivered (the same task's prompt again); the ${after.length} hand-over(s) after one took ${after.map((x) => `${(x / 1000).toFixed(1)} s`).join(', ')}`);
      }
      const cpuLine = Object.entries(out.cpu ?? {}).map(([k, c]) => `${k} ${c.self.toFixed(1)}${c.children ? ` + children ${c.children.toFixed(1)}` : ''}`).join(', ');
      console.log(`             CPU seconds: ${cpuLine}`);
      if (out.notable?.length) {
        r[which].notable = out.notable;
        console.log(`             supervisor.log: ${out.notable.length} notable line(s), e.g.:`);
        for (const l of out.notable.slice(0, 6)) console.log(`               ${l.length > 160 ? `${l.slice(0, 160)}…` : l}`);
      }
    }
    results.push(r);
  }

  console.log('');
  const met = (r) => r.flotilla.n >= minSamples && r.flotilla.p50 <= TARGET.p50 && r.flotilla.p99 <= TARGET.p99;
  printTable(
    ['N', 'tasks', 'samples', 'flotilla p50 ms', 'flotilla p99 ms', 'baseline p50 ms', 'baseline p99 ms', 'p50 ratio', 'p99 ratio', `target p50≤${TARGET.p50} p99≤${TARGET.p99}`],
    results.map((r) => [r.n, r.tasks, r.flotilla.n, ms(r.flotilla.p50), ms(r.flotilla.p99), ms(r.baseline.p50), ms(r.baseline.p99), ratio(r.flotilla.p50, r.baseline.p50), ratio(r.flotilla.p99, r.baseline.p99), met(r) ? 'met' : 'NOT met']),
  );
  console.log('\nwhere flotilla\'s time goes (p50 / p99 ms per stage, from supervisor.log ms timestamps):');
  for (const r of results) {
    const s = r.flotilla.stages;
    const f = (x) => (x ? `${ms(x.p50)} / ${ms(x.p99)}` : '-');
    console.log(`  N=${String(r.n).padStart(2)}: done returned → "done" logged ${f(s.doneToLogged)};  → next task assigned (fsync'd task log, inbox rm, dispatch) ${f(s.loggedToAssigned)};`);
    console.log(`        → "starting" logged (fsync'd task log, git status/rev-parse/switch, current-task file) ${f(s.assignedToStarting)};  → prompt submitted (load-buffer, paste-buffer, 30 ms, Enter) ${f(s.startingToSubmitted)}`);
    const b = r.baseline.stages;
    console.log(`        baseline: done returned → signal seen ${f(b.doneToSeen)};  → Enter sent (3 tmux calls) ${f(b.seenToSent)};  → prompt submitted ${f(b.sentToSubmitted)}`);
  }
  if (issues.length) {
    console.log(`\n${issues.length} issue(s):`);
    for (const i of issues) console.log(`- ${i}`);
  }
  const file = writeResults('dispatch', { target: TARGET, results, issues, wallSeconds: (now() - start) / 1000 });
  console.log(`\nresults: ${file}  (wall ${((now() - start) / 1000).toFixed(0)} s)`);
  return issues.length ? 1 : 0;
}

if (process.argv[2] === '--driver' && import.meta.url === pathToFileURL(process.argv[1]).href) {
  driver(process.argv[3]).then(
    () => process.exit(0),
    (err) => {
      console.error(err?.stack ?? err);
      process.exit(1);
    },
  );
}
