// `watch`: the cost of watching 16 panes for N seconds. Ours: ONE tmux
// control-mode client (dist/tmux/control-client.js) receiving %output from every
// pane. Baseline: what other tools do, one `tmux capture-pane -p -t %N` process
// per pane every 500 ms. Each watcher runs in its own node child process
// (this file with --child), which reports its own CPU plus that of the tmux
// processes it started, and its peak RSS.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  BIN,
  ROOT,
  createRepo,
  registryPids,
  killPids,
  median,
  now,
  onCleanup,
  parseArgs,
  pidAlive,
  printTable,
  privateTmux,
  ratio,
  release,
  sleep,
  tempRoot,
  writeResults,
} from './lib.mjs';

export const description = 'CPU and RSS of watching 16 panes: one control-mode client vs capture-pane polling every 500 ms';

const SESSION = 'watch';
const PANES = 16;
const POLL_MS = 500;
const TARGET_CPU_RATIO = 0.2;
const TARGET_RSS_MB = 150;
const TICK_S = 1 / 100; // USER_HZ: /proc/<pid>/stat times are in clock ticks (getconf CLK_TCK = 100 here)

// perl prints 20 lines/s without forking a process per line, so the panes' own
// load does not swamp the watchers on a 2-core machine; sh + sleep is the fallback.
const BUSY_PERL = `perl -e '$|=1; while (1) { printf "line %d %s\\n", ++$n, time; select(undef, undef, undef, 0.05) }'`;
const BUSY_SH = `sh -c 'while :; do echo line $(date +%s%N); sleep 0.05; done'`;

// ---------------------------------------------------------------- /proc

/** [utime+stime, cutime+cstime] of a process in seconds (cu/cs: its reaped children). */
function procTimes(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
  const n = (i) => Number(f[i - 3]);
  return { self: (n(14) + n(15)) * TICK_S, children: (n(16) + n(17)) * TICK_S };
}

/** Peak resident set (VmHWM) of a live process, in MB. */
function peakRssMb(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

// ---------------------------------------------------------------- child: one watcher

async function child(args) {
  const o = parseArgs(args, { child: '', socket: '', seconds: '60', panes: '', 'batch-ms': '' });
  const seconds = Number(o.seconds);
  const panes = o.panes.split(',');
  const ownCpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  let extraCpu = () => procTimes(process.pid).children; // tmux processes we started and reaped
  let extraRss = () => 0;
  let stop = async () => {};
  let work = () => ({});

  const own0 = ownCpu();
  const extra0 = extraCpu();
  const t0 = own0 + extra0;
  if (o.child === 'ours') {
    const lib = join(ROOT, 'dist', 'tmux');
    if (!existsSync(join(lib, 'control-client.js'))) throw new Error('dist/ is missing: run npm run build');
    const { ControlClient } = await import(pathToFileURL(join(lib, 'control-client.js')).href);
    const { TmuxServer } = await import(pathToFileURL(join(lib, 'server.js')).href);
    const batch = o['batch-ms'] === '' ? {} : { outputBatchMs: Number(o['batch-ms']) };
    const client = await ControlClient.attach(new TmuxServer(o.socket), SESSION, batch);
    // what a watcher does with output: keep the tail of each pane and count lines
    const tails = new Map();
    let bytes = 0;
    let lines = 0;
    client.on('output', (pane, data) => {
      bytes += data.length;
      for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, i + 1)) lines++;
      const prev = tails.get(pane);
      const next = prev ? Buffer.concat([prev, data]) : data;
      tails.set(pane, next.length > 4096 ? next.subarray(next.length - 4096) : next);
    });
    const clientPid = client.pid;
    extraCpu = () => procTimes(process.pid).children + procTimes(clientPid).self;
    extraRss = () => peakRssMb(clientPid);
    work = () => ({ bytes, lines, panesSeen: tails.size });
    stop = () => client.close();
  } else {
    let captures = 0;
    let changed = 0;
    let failures = 0;
    const last = new Map();
    const capture = (pane) =>
      new Promise((resolve) => {
        execFile('tmux', ['-L', o.socket, 'capture-pane', '-p', '-t', pane], { maxBuffer: 16 << 20 }, (err, stdout) => {
          captures++;
          if (err) failures++;
          else if (last.get(pane) !== stdout) {
            changed++;
            last.set(pane, stdout);
          }
          resolve();
        });
      });
    let running = true;
    const loop = (async () => {
      while (running) {
        const tick = now();
        await Promise.all(panes.map(capture));
        await sleep(Math.max(0, POLL_MS - (now() - tick)));
      }
    })();
    work = () => ({ captures, changed, failures });
    stop = async () => {
      running = false;
      await loop;
    };
  }

  // one CPU sample per second: the median shows the steady state, the total includes set-up
  const perSecond = [];
  let prev = t0;
  for (let s = 0; s < seconds; s++) {
    await sleep(1000);
    const cur = ownCpu() + extraCpu();
    perSecond.push(cur - prev);
    prev = cur;
  }
  const total = ownCpu() + extraCpu() - t0;
  const split = { node: ownCpu() - own0, tmux: extraCpu() - extra0 };
  const rssMb = process.resourceUsage().maxRSS / 1024 + extraRss();
  const done = work();
  await stop();
  process.stdout.write(`${JSON.stringify({ cpuTotal: total, cpuSplit: split, cpuPerSecond: perSecond, rssMb, work: done })}\n`);
}

// ---------------------------------------------------------------- the real supervisor

/** Live child processes of pid (the supervisor's control-mode tmux client, say). */
function liveChildren(pid) {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

/** CPU of a process, its reaped children and its live children, in seconds. */
function treeCpu(pid) {
  const own = procTimes(pid);
  let live = 0;
  for (const c of liveChildren(pid)) {
    try {
      const t = procTimes(c);
      live += t.self + t.children;
    } catch {
      // exited between the listing and the read
    }
  }
  return own.self + own.children + live;
}

/**
 * `flotilla up` of 16 generic agents running the scenario's command, then the
 * supervisor's own CPU (with everything it starts) and peak RSS over the run:
 * what a user's machine pays for Flotilla watching the fleet.
 */
async function runSupervisor(sc, seconds, root, tmux, busy) {
  const dir = createRepo(join(root.dir, `repo-${sc.key}`));
  const [command, ...args] = sc.key === 'idle' ? ['sleep', '100000'] : busy === BUSY_PERL ? ['perl', '-e', BUSY_PERL.slice("perl -e '".length, -1)] : ['sh', '-c', BUSY_SH.slice("sh -c '".length, -1)];
  const orchestrators = Array.from({ length: PANES }, (_, i) => `  - { name: o${i + 1}, role: backend-dev }`).join('\n');
  writeFileSync(join(dir, 'flotilla.yaml'), `name: watch-${sc.key}\nlayout: grid\nagent: { kind: generic, command: ${command}, args: ${JSON.stringify(args)} }\norchestrators:\n${orchestrators}\n`);
  const home = join(root.dir, `home-${sc.key}`);
  const env = { ...tmux.env, FLOTILLA_HOME: home };
  const flotilla = (...a) => new Promise((resolve) => execFile(process.execPath, [BIN, ...a, '--socket', tmux.socket], { env, cwd: dir }, (err, out, errOut) => resolve({ code: err ? 1 : 0, out: out + errOut })));
  const up = await flotilla('up', join(dir, 'flotilla.yaml'));
  if (up.code !== 0) throw new Error(`flotilla up failed: ${up.out}`);
  const [pid] = registryPids(home);
  const stop = onCleanup(() => flotilla('down', `watch-${sc.key}`, '--force'));
  try {
    await sleep(2000); // past bring-up: measure watching, not starting
    const cpu0 = treeCpu(pid);
    const perSecond = [];
    let last = cpu0;
    const started = now();
    for (let t = 0; t < seconds; t++) {
      await sleep(1000);
      const c = treeCpu(pid);
      perSecond.push(c - last);
      last = c;
    }
    const rss = peakRssMb(pid) + liveChildren(pid).reduce((sum, c) => sum + (peakRssMb(c) || 0), 0);
    return { cpuTotal: last - cpu0, cpuSplit: { node: last - cpu0, tmux: 0 }, cpuPerSecond: perSecond, rssMb: rss, wallS: (now() - started) / 1000, work: { supervisor: pid } };
  } finally {
    await flotilla('down', `watch-${sc.key}`, '--force');
    release(stop);
  }
}

// ---------------------------------------------------------------- parent

function runChild(kind, tmux, paneIds, seconds, batchMs) {
  return new Promise((resolve, reject) => {
    const self = fileURLToPath(import.meta.url);
    const args = [self, '--child', kind, '--socket', tmux.socket, '--seconds', String(seconds), '--panes', paneIds.join(','), '--batch-ms', batchMs];
    const p = spawn(process.execPath, args, { env: tmux.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = onCleanup(() => killPids([p.pid]));
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => {
      release(kill);
      if (code !== 0) return reject(new Error(`${kind} watcher exited ${code}: ${err.trim()}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)));
    });
  });
}

function startPanes(tmux, command) {
  const run = (args) => {
    const r = tmux.tmux(args);
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  };
  // a second session keeps the server up between runs (a server whose last session
  // dies exits, and a new-session racing that exit can fail)
  if (tmux.tmux(['has-session', '-t', '=keep']).status !== 0) run(['new-session', '-d', '-s', 'keep', 'sleep 100000']);
  tmux.tmux(['kill-session', '-t', `=${SESSION}`], { stdio: 'ignore' });
  // one pane per window: 16 panes do not fit one window, and %output covers every window of the session
  const ids = [run(['new-session', '-d', '-s', SESSION, '-x', '160', '-y', '48', '-P', '-F', '#{pane_id}', command]).trim()];
  for (let i = 1; i < PANES; i++) ids.push(run(['new-window', '-d', '-t', `=${SESSION}:`, '-P', '-F', '#{pane_id}', command]).trim());
  return { ids, serverPid: Number(run(['display-message', '-p', '#{pid}']).trim()) };
}

export async function run(args) {
  const opts = parseArgs(args, { seconds: '60', 'batch-ms': '' });
  const seconds = Number(opts.seconds);
  if (!(seconds > 0)) throw new Error('--seconds must be a positive number');
  if (!existsSync(join(ROOT, 'dist', 'tmux', 'control-client.js'))) throw new Error('dist/ is missing: run npm run build');
  const root = tempRoot('flb-watch-');
  const tmux = privateTmux(root.dir);
  const busy = existsSync('/usr/bin/perl') ? BUSY_PERL : BUSY_SH;
  const scenarios = [
    { key: 'idle', label: `${PANES} panes idle (sleep)`, command: 'sleep 100000' },
    { key: 'busy', label: `${PANES} panes x 20 lines/s`, command: busy },
  ];
  const batchNote = opts['batch-ms'] === '' ? 'default output batching' : `outputBatchMs ${opts['batch-ms']}`;
  console.log(`watch: ${PANES} panes, ${seconds} s per watcher, ours with ${batchNote}, baseline polls every ${POLL_MS} ms; private server -L ${tmux.socket}\n`);

  const results = {};
  for (const [i, sc] of scenarios.entries()) {
    // alternate which watcher goes first
    const order = i % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours'];
    for (const kind of order) {
      const { ids, serverPid } = startPanes(tmux, sc.command);
      await sleep(500); // let the panes start
      const server0 = procTimes(serverPid).self;
      const started = now();
      const r = await runChild(kind, tmux, ids, seconds, opts['batch-ms']);
      r.serverCpu = pidAlive(serverPid) ? procTimes(serverPid).self - server0 : NaN;
      r.wallS = (now() - started) / 1000;
      results[`${sc.key}/${kind}`] = r;
      console.log(`  ${sc.key}/${kind}: ${r.cpuTotal.toFixed(2)} CPU s (node ${r.cpuSplit.node.toFixed(2)}, tmux ${r.cpuSplit.tmux.toFixed(2)}) in ${r.wallS.toFixed(1)} s`);
    }
  }
  for (const sc of scenarios) {
    const server0 = procTimes(startPanes(tmux, 'sleep 100000').serverPid).self; // keeps the server up
    const r = await runSupervisor(sc, seconds, root, tmux, busy);
    r.serverCpu = NaN;
    results[`${sc.key}/supervisor`] = r;
    console.log(`  ${sc.key}/supervisor: ${r.cpuTotal.toFixed(2)} CPU s in ${r.wallS.toFixed(1)} s, peak RSS ${r.rssMb.toFixed(1)} MB`);
    void server0;
  }
  tmux.kill();

  const rows = [];
  const verdicts = [];
  for (const sc of scenarios) {
    const ours = results[`${sc.key}/ours`];
    const base = results[`${sc.key}/baseline`];
    const row = (name, r) => [
      sc.label,
      name,
      r.cpuTotal.toFixed(2),
      (median(r.cpuPerSecond) * 1000).toFixed(1),
      r.serverCpu.toFixed(2),
      (r.cpuTotal + r.serverCpu).toFixed(2),
      r.rssMb.toFixed(1),
      name.startsWith('ours') ? `${r.work.lines} lines, ${r.work.bytes} B from ${r.work.panesSeen} panes` : `${r.work.captures} captures, ${r.work.changed} changed, ${r.work.failures} failed`,
    ];
    const sup = results[`${sc.key}/supervisor`];
    rows.push(row('ours: 1 control client', ours), row('baseline: capture-pane polling', base));
    rows.push([sc.label, 'flotilla supervisor (16 generic agents)', sup.cpuTotal.toFixed(2), (median(sup.cpuPerSecond) * 1000).toFixed(1), '-', '-', sup.rssMb.toFixed(1), 'whole supervisor: pane reads, screen classification, heartbeats, registry']);
    rows.push([sc.label, 'ratio supervisor/baseline', ratio(sup.cpuTotal, base.cpuTotal), ratio(median(sup.cpuPerSecond), median(base.cpuPerSecond)), '', '', ratio(sup.rssMb, base.rssMb), '']);
    rows.push([sc.label, 'ratio ours/baseline', ratio(ours.cpuTotal, base.cpuTotal), ratio(median(ours.cpuPerSecond), median(base.cpuPerSecond)), ratio(ours.serverCpu, base.serverCpu), ratio(ours.cpuTotal + ours.serverCpu, base.cpuTotal + base.serverCpu), ratio(ours.rssMb, base.rssMb), '']);
    const cpuOk = sup.cpuTotal <= TARGET_CPU_RATIO * base.cpuTotal;
    const rssOk = sup.rssMb <= TARGET_RSS_MB;
    verdicts.push(`${sc.key}: CPU supervisor/baseline ${ratio(sup.cpuTotal, base.cpuTotal)} (target <= ${TARGET_CPU_RATIO}x) ${cpuOk ? 'ok' : 'MISSED'}; supervisor peak RSS ${sup.rssMb.toFixed(1)} MB (target <= ${TARGET_RSS_MB}) ${rssOk ? 'ok' : 'MISSED'}`);
  }
  console.log('');
  printTable(['scenario', 'watcher', 'CPU s', 'median CPU ms/s', 'tmux server CPU s', 'CPU s incl. server', 'peak RSS MB', 'work done'], rows);
  console.log(`\n${verdicts.join('\n')}`);
  console.log('\nCPU s: the watcher process plus the tmux processes it started (control client / capture-pane children), over the whole run.');
  console.log('tmux server CPU s: the shared server during the same run (it also renders the panes, so busy runs include that for both).');
  console.log(`RSS: the watcher's node peak, plus the tmux control client's peak for ours.`);
  const file = writeResults('watch', { seconds, batchMs: opts['batch-ms'] || 'default', panes: PANES, pollMs: POLL_MS, busyCommand: busy, results });
  console.log(`\nraw: ${file}`);
  return verdicts.every((v) => !v.includes('MISSED')) ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes('--child')) {
  child(process.argv.slice(2)).catch((err) => {
    console.error(err?.stack ?? err);
    process.exit(1);
  });
}
