import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/fleet-env.js';
import { git, makeTempRepo, type TempRepo } from '../helpers/git-repo.js';

/**
 * The sim agent as a pane's own command on a private tmux server, driven the
 * way the supervisor drives real agents: bracketed paste, then Enter.
 */
interface Fixture {
  repo: TempRepo;
  tmuxDir: string;
  socket: string;
  env: Record<string, string>;
}
let fx: Fixture | undefined;

afterEach(async () => {
  if (!fx) return;
  await execa('tmux', ['-L', fx.socket, 'kill-server'], { env: fx.env, extendEnv: false, reject: false });
  await rm(fx.tmuxDir, { recursive: true, force: true });
  await fx.repo.cleanup();
  fx = undefined;
});

const random = () => Math.random().toString(36).slice(2, 10);

async function until<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Start the sim agent as the only pane of a new private server; returns helpers bound to that pane. */
async function startPane(paneEnv: Record<string, string>) {
  const repo = await makeTempRepo();
  const tmuxDir = await mkdtemp(join(tmpdir(), 'flotilla-tmux-'));
  // The server's environment becomes the pane's: keep the developer's own tmux, git and Flotilla settings out.
  const env: Record<string, string> = { TMUX_TMPDIR: tmuxDir };
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== 'TMUX' && k !== 'TMUX_PANE' && !k.startsWith('FLOTILLA_') && !k.startsWith('GIT_')) env[k] = v;
  }
  env.TMUX_TMPDIR = tmuxDir;
  fx = { repo, tmuxDir, socket: `flotilla-test-${random()}`, env };
  const tmux = async (...args: string[]) => (await execa('tmux', ['-L', fx!.socket, ...args], { env, extendEnv: false })).stdout;
  const envArgs = Object.entries({ FLOTILLA_ORCHESTRATOR: 'alpha', ...paneEnv }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const pane = await tmux(
    '-f', '/dev/null', 'new-session', '-d', '-P', '-F', '#{pane_id}', '-x', '200', '-y', '50', '-s', 't', '-c', repo.dir,
    ...envArgs, process.execPath, BIN, 'sim-agent',
    ';', 'set-option', '-g', 'remain-on-exit', 'on',
  );
  const screen = () => tmux('capture-pane', '-p', '-t', pane);
  /** The pane's exit status (or `signal N`) once its process has exited and been reaped, else undefined. */
  const deadStatus = async () => {
    const [dead, status, signal] = (await tmux('display-message', '-p', '-t', pane, '#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}')).split('|');
    if (dead !== '1') return undefined;
    if (status || signal) return status ? Number(status) : `signal ${signal}`;
    // Dead but not reaped: Debian's tmux 3.3a calls libutempter as the pane's pty closes, and
    // utempter briefly swaps in its own SIGCHLD handler, so the agent's exit signal can be lost
    // (tmux/tmux#311) and the status stays empty. Any other child exiting makes tmux reap them all.
    await tmux('run-shell', 'true');
    return undefined;
  };
  const exitStatus = (what: string, timeoutMs?: number) =>
    until(async () => {
      const status = await deadStatus();
      return status === undefined ? undefined : { status };
    }, what, timeoutMs).then((r) => r.status);
  /** Deliver text the way Flotilla delivers prompts: a buffer, a bracketed paste, then Enter. */
  const deliver = async (text: string) => {
    const file = join(tmuxDir, `prompt-${random()}.txt`);
    await writeFile(file, text);
    await tmux('load-buffer', '-b', 'x', file);
    await tmux('paste-buffer', '-p', '-d', '-b', 'x', '-t', pane);
    await tmux('send-keys', '-t', pane, 'Enter');
  };
  await until(async () => (await screen()).includes('❯'), 'the idle prompt');
  return { repo, tmux, pane, screen, deadStatus, exitStatus, deliver };
}

const readJsonLines = async (file: string) =>
  (await readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('sim agent in a real tmux pane', () => {
  it('takes a hostile multi-line paste literally, commits, and goes idle', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'flotilla-sim-log-'));
    const log = join(scratch, 'sim.jsonl');
    const pwned = `/tmp/flotilla-pwned-${random()}`;
    try {
      const p = await startPane({ FLOTILLA_SIM_LOG: log, FLOTILLA_SIM_SPEED: '0.1' });
      expect(await p.screen()).toContain(`flotilla sim agent · alpha · ${p.repo.dir}`);
      const text = [
        `Fix the parser '; rm -rf ~; $(touch ${pwned})`,
        'C-c Enter',
        'colour \x1b[31mred\x1b[0m `whoami`',
        'sim: {"duration_ms": 300, "file": "notes/a.txt"}',
      ].join('\n');
      await p.deliver(text);

      const entries = await until(async () => ((await readJsonLines(log)).length > 0 ? readJsonLines(log) : undefined), 'the prompt log');
      expect(entries.map((e) => e.text)).toEqual([text]);
      const screen = await until(async () => {
        const s = await p.screen();
        return s.includes('✻ Worked for') ? s : undefined;
      }, '✻ Worked for');
      expect(screen).toContain('[Pasted text +3 lines]');

      const subject = `Fix the parser '; rm -rf ~; $(touch ${pwned})`.slice(0, 60);
      expect(await git(p.repo.dir, 'log', '-1', '--format=%s')).toBe(subject);
      expect(await git(p.repo.dir, 'show', '--name-only', '--format=', 'HEAD')).toBe('notes/a.txt');
      expect(await readFile(join(p.repo.dir, 'notes/a.txt'), 'utf8')).toBe(`alpha: Fix the parser '; rm -rf ~; $(touch ${pwned})\n`);
      expect(existsSync(pwned)).toBe(false);
      expect(await p.deadStatus()).toBeUndefined();
    } finally {
      await rm(scratch, { recursive: true, force: true });
      await rm(pwned, { force: true });
    }
  });

  it('crash: prints API Error and the pane dies with status 3', async () => {
    const p = await startPane({ FLOTILLA_SIM_SPEED: '0.1' });
    await p.deliver('Do the thing\nsim: {"fail": "crash", "duration_ms": 400}');
    expect(await p.exitStatus('the pane to die')).toBe(3);
    expect(await p.screen()).toContain('API Error: simulated crash');
    expect(await git(p.repo.dir, 'log', '--format=%s')).toBe('initial commit');
  });

  it('hang: heartbeats stop while the process stays alive, and Ctrl-C twice still quits', async () => {
    const hbDir = await mkdtemp(join(tmpdir(), 'flotilla-sim-hb-'));
    const hb = join(hbDir, 'alpha.json');
    try {
      const p = await startPane({ FLOTILLA_HEARTBEAT_FILE: hb, FLOTILLA_SIM_HEARTBEAT_MS: '100', FLOTILLA_SIM_SPEED: '1' });
      const readBeat = async () => JSON.parse(await readFile(hb, 'utf8').catch(() => '{}')) as { ts?: number; state?: string };
      expect((await until(async () => ((await readBeat()).ts ? readBeat() : undefined), 'the first heartbeat')).state).toBe('idle');
      await p.deliver('Hang please\nsim: {"fail": "hang", "duration_ms": 2000}');

      // Before the hang (1 s in) heartbeats keep coming while working...
      const working = new Set<number>();
      await until(async () => {
        const b = await readBeat();
        if (b.state === 'working' && b.ts) working.add(b.ts);
        return working.size >= 3;
      }, 'heartbeats while working');

      // ...then stop: the file goes quiet for 10 heartbeat intervals.
      let last = (await readBeat()).ts;
      let quietSince = Date.now();
      await until(async () => {
        const ts = (await readBeat()).ts;
        if (ts !== last) [last, quietSince] = [ts, Date.now()];
        return Date.now() - quietSince >= 1000;
      }, 'heartbeats to stop');
      expect((await readBeat()).state).toBe('working');
      expect(await p.deadStatus()).toBeUndefined();
      const frozen = await p.screen();
      expect(frozen).toContain('Working…');
      expect(frozen).not.toContain('✻ Worked for');

      await p.tmux('send-keys', '-t', p.pane, 'C-c', 'C-c');
      expect(await p.exitStatus('the pane to exit', 5000)).toBe(0);
      expect(await git(p.repo.dir, 'log', '--format=%s')).toBe('initial commit');
    } finally {
      await rm(hbDir, { recursive: true, force: true });
    }
  });

  it('FLOTILLA_SIM_EXIT_AFTER_MS: the pane dies with status 1', async () => {
    const p = await startPane({ FLOTILLA_SIM_EXIT_AFTER_MS: '300' });
    expect(await p.exitStatus('the pane to die')).toBe(1);
  });
});
