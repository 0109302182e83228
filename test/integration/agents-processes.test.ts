import { existsSync } from 'node:fs';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { classifyScreen, DebouncedClassifier, type ScreenState } from '../../src/agents/screen-classifier.js';
import { BIN } from '../helpers/fleet-env.js';
import { makeTempRepo } from '../helpers/git-repo.js';

/**
 * `flotilla hook` as Claude runs it (the built bin/flotilla, JSON on stdin), and
 * the screen classifier against a live sim agent in a private tmux server.
 */
const run = promisify(execFile);

/** The environment outside any Flotilla pane. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('FLOTILLA_') && k !== 'TMUX' && k !== 'TMUX_PANE') env[k] = v;
  return { ...env, ...extra };
}

function hook(event: string, env: Record<string, string>, stdin: string | undefined): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((done, fail) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, 'hook', event], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
    // undefined: a writer that never closes stdin, as when run by hand from a pipe.
    if (stdin !== undefined) child.stdin.end(stdin);
  });
}

describe('flotilla hook, run as Claude runs it', () => {
  const payload = JSON.stringify({
    session_id: '5d0c1f2e-7a4b-4c1e-9e0a-1b2c3d4e5f60',
    transcript_path: '/home/dev/.claude/projects/-repo/5d0c1f2e.jsonl',
    cwd: '/repo',
    hook_event_name: 'Stop',
    stop_hook_active: false,
  });

  it('Stop in a Flotilla pane: heartbeat with state idle, session and transcript; nothing on stdout', async () => {
    const home = await mkdtemp(join(tmpdir(), 'flotilla-hook-'));
    try {
      const file = join(home, 'heartbeats', 'indigo.json');
      const env = cleanEnv({ FLOTILLA_MISSION: 'm', FLOTILLA_ORCHESTRATOR: 'indigo', FLOTILLA_HOME: home, FLOTILLA_HEARTBEAT_FILE: file, FLOTILLA_CONTROL_SOCKET: join(home, 'c.sock') });
      // A hook that fires after the mission is gone (its pane killed by flotilla down) leaves nothing behind.
      expect(await hook('SessionEnd', env, payload)).toMatchObject({ code: 0, stdout: '' });
      expect(existsSync(join(home, 'heartbeats'))).toBe(false);
      await mkdir(join(home, 'heartbeats')); // the supervisor makes it when the mission starts
      const before = Date.now();
      const r = await hook('Stop', env, payload);
      expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
      const beat = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      expect(beat).toMatchObject({
        source: 'Stop',
        state: 'idle',
        sessionId: '5d0c1f2e-7a4b-4c1e-9e0a-1b2c3d4e5f60',
        transcriptPath: '/home/dev/.claude/projects/-repo/5d0c1f2e.jsonl',
      });
      expect(beat.ts).toBeGreaterThanOrEqual(before);

      const prompt = await hook('Notification', env, JSON.stringify({ session_id: 's2', notification_type: 'permission_prompt' }));
      expect(prompt).toMatchObject({ code: 0, stdout: '' });
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ source: 'Notification', state: 'waiting-for-human', sessionId: 's2' });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('outside a Flotilla pane: exit 0, silent', async () => {
    expect(await hook('Stop', cleanEnv(), payload)).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('stdin left open: gives up waiting after a moment and still exits 0', async () => {
    const r = await hook('PreToolUse', cleanEnv(), undefined);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(r.ms).toBeLessThan(5000);
  });

  it('a misspelt event: exit 2 with a message on stderr, never stdout', async () => {
    const r = await hook('stop', cleanEnv(), payload);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('unknown hook event "stop"');
  });
});

describe('screen classifier on a live sim agent pane', () => {
  it('sees idle, then working, then idle again, through the debouncer', async () => {
    const repo = await makeTempRepo();
    const tmuxDir = await mkdtemp(join(tmpdir(), 'flotilla-tmux-'));
    const socket = `flotilla-test-${Math.random().toString(36).slice(2, 10)}`;
    const env = cleanEnv({ TMUX_TMPDIR: tmuxDir });
    for (const k of Object.keys(env)) if (k.startsWith('GIT_')) delete env[k];
    const tmux = async (...args: string[]) => (await run('tmux', ['-L', socket, ...args], { env })).stdout;
    try {
      const pane = (await tmux(
        '-f', '/dev/null', 'new-session', '-d', '-P', '-F', '#{pane_id}', '-x', '120', '-y', '30', '-s', 't', '-c', repo.dir,
        '-e', 'FLOTILLA_ORCHESTRATOR=alpha', '-e', 'FLOTILLA_SIM_SPEED=1',
        process.execPath, BIN, 'sim-agent',
      )).trim();
      const screen = () => tmux('capture-pane', '-p', '-t', pane);
      const classifier = new DebouncedClassifier('sim');
      const reported: ScreenState[] = [];
      /** Poll the pane like the supervisor would, until the classifier reports `state`. */
      const until = async (state: ScreenState, timeoutMs = 15_000) => {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
          const r = classifier.observe(await screen()) ?? classifier.tick();
          if (r) reported.push(r);
          if (r === state) return;
          await new Promise((t) => setTimeout(t, 40));
        }
        throw new Error(`timed out waiting for ${state}; reported ${reported.join(' → ')}; screen:\n${await screen()}`);
      };

      await until('idle');
      expect(classifyScreen('sim', await screen()).state).toBe('idle');
      await writeFile(join(tmuxDir, 'prompt.txt'), 'Add a file\nsim: {"duration_ms": 1500, "file": "notes/a.txt"}');
      await tmux('load-buffer', '-b', 'x', join(tmuxDir, 'prompt.txt'));
      await tmux('paste-buffer', '-p', '-d', '-b', 'x', '-t', pane);
      await tmux('send-keys', '-t', pane, 'Enter');
      await until('working');
      expect(await screen()).toContain('Working…');
      await until('idle');
      expect(await screen()).toMatch(/✻ Worked for \d+s/);
      expect(reported).toEqual(['idle', 'working', 'idle']);
    } finally {
      await run('tmux', ['-L', socket, 'kill-server'], { env }).catch(() => undefined);
      await rm(tmuxDir, { recursive: true, force: true });
      await repo.cleanup();
    }
  });
});
