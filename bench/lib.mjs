// Shared helpers for the benchmarks in bench/: statistics, table printing,
// temp git repositories, private tmux servers, process/temp-dir cleanup,
// result files. Plain Node ESM, no dependencies.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Absolute path of the CLI under test. */
export const BIN = join(ROOT, 'bin', 'flotilla');
export const now = () => performance.now();
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- statistics

export function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile (p in 0..100). With few samples p99 is the maximum. */
export function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1];
}
export const p99 = (xs) => percentile(xs, 99);

export function summary(xs) {
  return { n: xs.length, median: median(xs), p99: p99(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

export const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
export const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : '-');

// ---------------------------------------------------------------- output

/** Print rows as an aligned table; numbers-looking cells are right-aligned. */
export function printTable(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]?.length ?? 0)));
  const numeric = headers.map((_, i) => rows.every((r) => /^[-\d.,x%]+$/.test(String(r[i]))));
  const line = (r) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

export function envInfo() {
  const tryOut = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined;
    }
  };
  return {
    node: process.version,
    tmux: tryOut('tmux', ['-V']),
    git: tryOut('git', ['--version']),
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    platform: `${process.platform}-${process.arch}`,
    commit: tryOut('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
    dirty: Boolean(tryOut('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src'])),
  };
}

/** bench/results/<name>-<timestamp>.json (git-ignored). Returns the path. */
export function writeResults(name, data) {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `${name}-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify({ name, date: new Date().toISOString(), env: envInfo(), ...data }, null, 2)}\n`);
  return file;
}

// ---------------------------------------------------------------- cleanup

const cleanups = [];

/** Register a synchronous cleanup; they run last-in first-out on exit, error or Ctrl-C. */
export function onCleanup(fn) {
  cleanups.push(fn);
  return fn;
}

export function runCleanups() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      fn();
    } catch (err) {
      console.error(`cleanup: ${err?.message ?? err}`);
    }
  }
}

let handlersInstalled = false;
function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', runCleanups);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      console.error(`\n${sig}: cleaning up`);
      runCleanups();
      process.exit(130);
    });
  }
}

/** Run one registered cleanup now and drop it from the list (a no-op once it has run). */
export function release(fn) {
  const i = cleanups.lastIndexOf(fn);
  if (i < 0) return;
  cleanups.splice(i, 1);
  fn();
}

/**
 * A temp directory under the system temp dir, removed at cleanup (registered
 * before anything is created in it). `remove()` removes it now.
 */
export function tempRoot(prefix = 'flb-') {
  installHandlers();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, remove: () => release(remove) };
}

/** Alive and not a zombie (a dead detached process stays signalable until init reaps it). */
export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** SIGTERM, then SIGKILL after a grace period, each pid that is still alive (only pids we started). */
export function killPids(pids, graceMs = 1000) {
  const alive = pids.filter((p) => Number.isInteger(p) && p > 0 && pidAlive(p));
  for (const p of alive) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {}
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && alive.some(pidAlive)) spawnSync('sleep', ['0.02']);
  for (const p of alive.filter(pidAlive)) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {}
  }
  return alive;
}

// ---------------------------------------------------------------- git

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
};

/** A fresh git repository on branch main with one commit (and the given files). */
export function createRepo(dir, files = {}) {
  mkdirSync(dir, { recursive: true });
  const git = (...args) => execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), '# bench repo\n');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  return dir;
}

/** A sim mission with orchestrators o1..oN, layout grid, no tasks. */
export function simMission(name, n, layout = 'grid') {
  const lines = [`name: ${name}`, 'repo: .', `layout: ${layout}`, 'agent: { kind: sim }', 'orchestrators:'];
  for (let i = 1; i <= n; i++) lines.push(`  - { name: o${i}, role: backend-dev }`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- tmux

/**
 * A private tmux server: `tmux -L bench-<random>` with its own TMUX_TMPDIR
 * under `root`, so the user's default server is never touched. `env` is the
 * environment every child (tmux, flotilla) of this benchmark should get.
 * The server is killed at cleanup.
 */
export function privateTmux(root, extraEnv = {}) {
  const socket = `bench-${randomBytes(4).toString('hex')}`;
  const tmuxTmp = join(root, 'tmux');
  mkdirSync(tmuxTmp, { recursive: true, mode: 0o700 });
  const env = { ...process.env, TMUX_TMPDIR: tmuxTmp, TMPDIR: root, ...extraEnv };
  delete env.TMUX;
  delete env.TMUX_PANE;
  delete env.FLOTILLA_TMUX_SOCKET;
  const tmux = (args, opts = {}) => spawnSync('tmux', ['-L', socket, ...args], { env, encoding: 'utf8', ...opts });
  const killServer = onCleanup(() => {
    tmux(['kill-server'], { stdio: 'ignore' });
  });
  /** Kill the server now (idempotent: a second call is a no-op). */
  const kill = () => release(killServer);
  return { socket, env, tmux, kill };
}

// ---------------------------------------------------------------- waiting

/**
 * Poll until every file exists. Resolves with performance.now() at the poll
 * that saw the last one, or rejects after timeoutMs (with the missing ones).
 */
export async function waitForFiles(files, { intervalMs = 5, timeoutMs = 60_000, abort } = {}) {
  const missing = new Set(files);
  const deadline = now() + timeoutMs;
  for (;;) {
    for (const f of missing) if (existsSync(f)) missing.delete(f);
    if (missing.size === 0) return now();
    const why = abort?.();
    const left = () => `${missing.size} of ${files.length} missing (${[...missing].map((f) => basename(f)).join(', ')} in ${dirname([...missing][0])})`;
    if (why) throw new Error(`${why}; ${left()}`);
    if (now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; ${left()}`);
    await sleep(intervalMs);
  }
}

/** The last lines of a file, or a note that it is not there. */
export function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no file ${file})`;
  }
}

/** Supervisor pids recorded in $FLOTILLA_HOME/registry.json. */
export function registryPids(home) {
  try {
    const reg = JSON.parse(readFileSync(join(home, 'registry.json'), 'utf8'));
    return Object.values(reg.supervisors ?? {}).map((e) => e.pid);
  } catch {
    return [];
  }
}

/** Pids written by agents into heartbeat files in a directory. */
export function heartbeatPids(files) {
  const pids = [];
  for (const f of files) {
    try {
      pids.push(JSON.parse(readFileSync(f, 'utf8')).pid);
    } catch {}
  }
  return pids;
}

export function parseArgs(args, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i]);
    if (!m || !(m[1] in defaults)) throw new Error(`unknown option ${args[i]} (options: ${Object.keys(defaults).map((k) => `--${k}`).join(' ')})`);
    out[m[1]] = m[2] ?? args[++i];
  }
  return out;
}

/** Resolves after ms without keeping the process alive. */
export function timeout(ms) {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/**
 * A report on a failed flotilla command: what happened, the command, its
 * output, and the supervisor log (its tail, unless the output already quotes it).
 */
export function failureReport(what, cmd, output, log) {
  const ind = (t) => t.split('\n').map((l) => `    ${l}`).join('\n');
  const out = output.trim() || '(none)';
  const logTail = tail(log, 30);
  const lastLogLine = logTail.split('\n').at(-1).trim();
  const quoted = lastLogLine && out.includes(lastLogLine);
  return `${what}\n  command: ${cmd}\n  output:\n${ind(out)}\n  log: ${log}${quoted ? ' (its end is quoted in the output above)' : `\n${ind(logTail)}`}`;
}

/** Thrown when flotilla itself fails: the message is the report to print. */
export class FlotillaFailure extends Error {}

// ---------------------------------------------------------------- CPU accounting (Linux /proc)

const CLK_TCK = 100; // USER_HZ: /proc/<pid>/stat times are in clock ticks

/**
 * CPU seconds of a live process from /proc/<pid>/stat: `self` (utime+stime) and
 * `children` (cutime+cstime: its children that have exited and been reaped).
 * Undefined when the process is gone or /proc is not there.
 */
export function procCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    const n = (i) => Number(f[i - 3]);
    return { self: (n(14) + n(15)) / CLK_TCK, children: (n(16) + n(17)) / CLK_TCK };
  } catch {
    return undefined;
  }
}

/** Sum procCpuSeconds over pids (the ones still alive); `n` is how many were read. */
export function cpuOf(pids) {
  const out = { self: 0, children: 0, n: 0 };
  for (const pid of pids) {
    const c = procCpuSeconds(pid);
    if (!c) continue;
    out.self += c.self;
    out.children += c.children;
    out.n++;
  }
  return out;
}
