import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/sim/clock.js';
import type { SimGit } from '../../src/sim/sim-git.js';
import { runSimAgent } from '../../src/sim/sim-agent.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-sim-agent-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function until<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves once `read()` has not changed for `quietMs`. */
async function stable(read: () => string, quietMs: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = read();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`output still changing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
    const now = read();
    if (now !== last) [last, since] = [now, Date.now()];
  }
}

/** A sim agent on in-memory streams with a recording git and reporter; time is real unless `now` is given. */
function start(env: Record<string, string> = {}, now?: () => number) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let screen = '';
  stdout.on('data', (d: Buffer) => (screen += d.toString()));
  const commits: { paths: string[]; message: string }[] = [];
  const git: SimGit = {
    isWorkTree: async () => true,
    commit: async (paths, message) => (commits.push({ paths, message }), 'abc1234'),
    mergeBase: async () => [],
    remove: async () => undefined,
    commitAll: async (paths, message) => (commits.push({ paths, message }), 'abc1235'),
  };
  const reports: string[] = [];
  const clock: Clock = now ? { ...systemClock, now } : systemClock;
  let exitCode: number | undefined;
  const exited = runSimAgent({
    stdin,
    stdout,
    env: { FLOTILLA_ORCHESTRATOR: 'alpha', FLOTILLA_SIM_SPEED: '0', ...env },
    cwd: dir,
    clock,
    git,
    reportDone: async (s) => void reports.push(s),
  }).then((code) => (exitCode = code));
  return { stdin, screen: () => screen, commits, reports, exited, exitCode: () => exitCode };
}

/** A bracketed paste, as a terminal sends it: line breaks as CR. */
const paste = (text: string) => `\x1b[200~${text.replace(/\n/g, '\r')}\x1b[201~`;

const readLog = async (file: string) =>
  (await readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { ts: number; text: string });

describe('runSimAgent', () => {
  it('shows the banner and an idle prompt, and exits 0 on Ctrl-D on an empty line', async () => {
    const a = start();
    await until(() => a.screen().includes('❯'), 'prompt');
    expect(a.screen()).toContain(`flotilla sim agent · alpha · ${dir}`);
    expect(a.screen()).toContain('\x1b[?2004h');
    a.stdin.write('\x04');
    expect(await a.exited).toBe(0);
    expect(a.screen()).toContain('\x1b[?2004l');
  });

  it('ignores Ctrl-D while something is typed', async () => {
    const a = start();
    a.stdin.write('abc\x04');
    await until(() => a.screen().includes('❯ abc'), 'echo');
    expect(a.exitCode()).toBeUndefined();
    a.stdin.write('\x03\x03');
    expect(await a.exited).toBe(0);
  });

  it('exits on two Ctrl-C within 1 s, not on two further apart', async () => {
    let t = 0;
    const a = start({}, () => t);
    a.stdin.write('\x03');
    await until(() => a.screen().includes('Press Ctrl-C again to exit'), 'hint');
    t = 1500;
    a.stdin.write('\x03');
    // Each Ctrl-C that does not exit redraws the hint twice (input cleared, hint set).
    await until(() => a.screen().split('Press Ctrl-C again').length - 1 >= 3, 'second hint');
    t = 2000;
    expect(a.exitCode()).toBeUndefined();
    a.stdin.write('\x03');
    expect(await a.exited).toBe(0);
  });

  it('logs a submitted paste verbatim, edits, commits and reports done', async () => {
    const log = join(dir, 'sim.jsonl');
    const beat = join(dir, 'hb.json');
    const a = start({ FLOTILLA_SIM_LOG: log, FLOTILLA_HEARTBEAT_FILE: beat });
    const text = 'Fix it \x1b[31m$(x)\x1b[0m\nC-c Enter\nsim: {"file": "notes/a.txt"}';
    a.stdin.write(paste(text));
    await until(() => a.screen().includes('[Pasted text +2 lines]'), 'paste label');
    a.stdin.write('\r');
    await until(() => a.reports.length === 1, 'report');
    expect((await readLog(log)).map((l) => l.text)).toEqual([text]);
    expect(a.commits).toEqual([{ paths: ['notes/a.txt'], message: 'Fix it $(x)' }]);
    expect(await readFile(join(dir, 'notes/a.txt'), 'utf8')).toBe('alpha: Fix it $(x)\n');
    expect(a.reports[0]).toContain('notes/a.txt');
    expect(a.screen()).toContain('✻ Worked for 0s');
    expect(a.screen()).not.toContain('\x1b[31m');
    await until(async () => JSON.parse(await readFile(beat, 'utf8')).state === 'idle', 'idle heartbeat');
    a.stdin.write('\x04');
    expect(await a.exited).toBe(0);
  });

  it('erases a character at a time, and a multi-line paste as a whole', async () => {
    const log = join(dir, 'sim.jsonl');
    const a = start({ FLOTILLA_SIM_LOG: log });
    a.stdin.write(`ab🙂\x7f${paste('x\ny')}\x7fc\r`);
    await until(() => a.reports.length === 1, 'report');
    expect((await readLog(log)).map((l) => l.text)).toEqual(['abc']);
  });

  it('ignores an empty submit', async () => {
    const log = join(dir, 'sim.jsonl');
    const a = start({ FLOTILLA_SIM_LOG: log });
    a.stdin.write('   \r\r');
    a.stdin.write('\x04');
    expect(await a.exited).toBe(0);
    expect(await readLog(log)).toEqual([]);
    expect(a.commits).toEqual([]);
  });

  it('runs prompts typed while busy one after another', async () => {
    const a = start({ FLOTILLA_SIM_SPEED: '1' });
    a.stdin.write(`${paste('first\nsim: {"duration_ms": 50}')}\r`);
    a.stdin.write(`${paste('second\nsim: {"duration_ms": 0}')}\r`);
    await until(() => a.reports.length === 2, 'two reports');
    expect(a.commits.map((c) => c.message)).toEqual(['first', 'second']);
  });

  it('finishes queued work before exiting at the end of piped input', async () => {
    const a = start({ FLOTILLA_SIM_SPEED: '1' });
    a.stdin.end(`${paste('one\nsim: {"duration_ms": 50}')}\n`);
    expect(await a.exited).toBe(0);
    expect(a.commits.map((c) => c.message)).toEqual(['one']);
  });

  it('crashes halfway with API Error and exit code 3, without committing', async () => {
    const a = start({ FLOTILLA_SIM_FAIL: 'crash', FLOTILLA_SIM_SPEED: '1' });
    a.stdin.write(`${paste('task\nsim: {"duration_ms": 100}')}\r`);
    expect(await a.exited).toBe(3);
    expect(a.screen()).toContain('API Error: simulated crash');
    expect(a.commits).toEqual([]);
  });

  it('hangs halfway: screen frozen, input ignored, but Ctrl-C twice still exits', async () => {
    const a = start({ FLOTILLA_SIM_SPEED: '1' });
    a.stdin.write(`${paste('task\nsim: {"duration_ms": 1000, "fail": "hang"}')}\r`);
    await until(() => a.screen().includes('✢ Working…'), 'the spinner to move');
    await stable(a.screen, 400); // the spinner redraws every 125 ms while alive
    a.stdin.write('more typing\r\x03\x03');
    expect(await a.exited).toBe(0);
    expect(a.screen()).not.toContain('more typing');
    expect(a.commits).toEqual([]);
  });

  it('exits 1 after FLOTILLA_SIM_EXIT_AFTER_MS', async () => {
    const a = start({ FLOTILLA_SIM_EXIT_AFTER_MS: '50' });
    expect(await a.exited).toBe(1);
  });

  it('shows a directive problem on screen and works with the defaults', async () => {
    const a = start();
    a.stdin.write(`${paste('task\nsim: {"fail": "explode"}')}\r`);
    await until(() => a.reports.length === 1, 'report');
    expect(a.screen()).toMatch(/⚠ sim directive ignored: fail/);
    expect(a.commits[0]?.paths).toEqual(['sim/alpha.txt']);
  });
});
