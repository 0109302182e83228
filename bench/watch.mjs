// `watch`: the cost of watching 16 panes for N seconds. Ours: ONE tmux
// control-mode client (dist/tmux/control-client.js) receiving %output from every
// pane. Baseline: what other tools do, one `tmux capture-pane -p -t %N` process
// per pane every 500 ms. Each watcher runs in its own node child process
// (this file with --child), which reports its own CPU plus that of the tmux
// processes it started, and its peak RSS.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ROOT,
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
    rows.push(row('ours: 1 control client', ours), row('baseline: capture-pane polling', base));
    rows.push([sc.label, 'ratio ours/baseline', ratio(ours.cpuTotal, base.cpuTotal), ratio(median(ours.cpuPerSecond), median(base.cpuPerSecond)), ratio(ours.serverCpu, base.serverCpu), ratio(ours.cpuTotal + ours.serverCpu, base.cpuTotal + base.serverCpu), ratio(ours.rssMb, base.rssMb), '']);
    const cpuOk = ours.cpuTotal <= TARGET_CPU_RATIO * base.cpuTotal;
    const rssOk = ours.rssMb <= TARGET_RSS_MB;
    verdicts.push(`${sc.key}: CPU ours/baseline ${ratio(ours.cpuTotal, base.cpuTotal)} (target <= ${TARGET_CPU_RATIO}x) ${cpuOk ? 'ok' : 'MISSED'}; ours peak RSS ${ours.rssMb.toFixed(1)} MB (target <= ${TARGET_RSS_MB}) ${rssOk ? 'ok' : 'MISSED'}`);
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
