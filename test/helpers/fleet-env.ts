import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MissionStatus } from '../../src/supervisor/status.js';
import { makeTempRepo, type TempRepo } from './git-repo.js';

export const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'flotilla');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A private world for one test: its own tmux server (-L unique name inside a
 * private TMUX_TMPDIR), its own FLOTILLA_HOME and a temp git repository.
 * `cleanup` stops supervisors, kills the server and removes every directory.
 */
export interface FleetEnv {
  socket: string;
  home: string;
  repo: TempRepo;
  env: NodeJS.ProcessEnv;
  flotilla(args: string[], opts?: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  tmux(args: string[]): Promise<string>;
  /** `flotilla status --json` of the only mission running here; throws with stderr if it fails. */
  status(): Promise<MissionStatus>;
  writeMission(yaml: string, name?: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function makeFleetEnv(opts: { home?: string } = {}): Promise<FleetEnv> {
  const root = await mkdtemp(join(tmpdir(), 'flotilla-test-'));
  const socket = `flotilla-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const repo = await makeTempRepo({ files: { 'README.md': '# test repo\n', 'test.sh': 'exit 0\n' } });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TMUX_TMPDIR: root,
    FLOTILLA_HOME: opts.home ?? join(root, 'home'),
    FLOTILLA_TMUX_SOCKET: socket,
    FLOTILLA_SIM_SPEED: '0.2',
    NO_COLOR: '1',
  };
  delete env.TMUX;
  const run = (cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}) =>
    new Promise<RunResult>((done) => {
      execFile(cmd, args, { env: { ...env, ...opts.env }, cwd: opts.cwd ?? repo.dir, timeout: opts.timeoutMs ?? 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        done({ code, stdout, stderr });
      });
    });
  const fleet: FleetEnv = {
    socket,
    home: env.FLOTILLA_HOME!,
    repo,
    env,
    flotilla: (args, opts) => run(process.execPath, [BIN, ...args], opts),
    tmux: async (args) => {
      const r = await run('tmux', ['-L', socket, ...args]);
      if (r.code !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
      return r.stdout;
    },
    status: async () => {
      const r = await run(process.execPath, [BIN, 'status', '--json']);
      if (r.code !== 0) throw new Error(`flotilla status failed (${r.code}): ${r.stderr}`);
      return JSON.parse(r.stdout) as MissionStatus;
    },
    writeMission: async (yaml, name = 'flotilla.yaml') => {
      const file = join(repo.dir, name);
      await writeFile(file, yaml);
      return file;
    },
    cleanup: async () => {
      await run(process.execPath, [BIN, 'down', '--all', '--force']).catch(() => undefined);
      await run('tmux', ['-L', socket, 'kill-server']).catch(() => undefined);
      await killOrphanedServer(socket);
      await repo.cleanup();
      await rm(root, { recursive: true, force: true });
    },
  };
  return fleet;
}

/**
 * A known, unfixed bug (see the issue-12 closing note and bench/chaos.mjs): now and then, under
 * load, a tmux server of a mission and a control client attached to it outlive `down` and
 * `kill-server`, their socket gone. They are said on stderr and killed here, so one occurrence
 * does not fail the whole suite; the chaos bench reports every one.
 */
async function killOrphanedServer(socket: string): Promise<void> {
  const ps = await new Promise<string>((done) => execFile('ps', ['-eo', 'pid=,args='], (_err, stdout) => done(stdout ?? '')));
  const stray = ps.split('\n').map((l) => /^\s*(\d+)\s+(.*)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null && m[2]!.includes(`tmux -L ${socket} `));
  if (stray.length === 0) return;
  process.stderr.write(`known issue: ${stray.length} tmux process(es) of ${socket} outlived down and kill-server; killed:\n${stray.map((m) => `  ${m[1]} ${m[2]!.slice(0, 120)}`).join('\n')}\n`);
  for (const m of stray) {
    try {
      process.kill(Number(m[1]), 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** Poll until `fn` returns a truthy value or the deadline passes; never a fixed sleep. */
export async function retryUntil<T>(fn: () => Promise<T | undefined | false>, opts: { timeoutMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${opts.what ?? 'condition'}${last ? `: ${String(last)}` : ''}`);
}

/** A mission of `n` sim orchestrators. */
export function simMission(name: string, n: number, extra = ''): string {
  const orchs = Array.from({ length: n }, (_, i) => `  - { name: o${i + 1}, role: backend-dev }`).join('\n');
  return `name: ${name}\nlayout: grid\nagent: { kind: sim }\norchestrators:\n${orchs}\n${extra}`;
}
