import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlotillaError } from '../../src/core/errors.js';
import { ControlClient } from '../../src/tmux/control-client.js';
import { TmuxServer } from '../../src/tmux/server.js';
import { retryUntil } from '../helpers/fleet-env.js';

/**
 * ControlClient against a real tmux: a private server (`-L flotilla-test-…`)
 * inside a private TMUX_TMPDIR per test. TmuxServer reads TMUX_TMPDIR from
 * process.env, and each test file runs in its own process.
 */
let dir: string;
let server: TmuxServer;
let client: ControlClient | undefined;
const SESSION = 'ctl';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-ctl-'));
  process.env.TMUX_TMPDIR = dir;
  server = new TmuxServer(`flotilla-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  await server.run(['new-session', '-d', '-s', SESSION, '-x', '160', '-y', '48', 'sleep 600']);
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await server.tryRun(['kill-server']);
  await rm(dir, { recursive: true, force: true });
});

const attach = async () => (client = await ControlClient.attach(server, SESSION));
const windowSize = async () => (await server.run(['display-message', '-p', '-t', `=${SESSION}:`, '#{window_width}x#{window_height}'])).trim();
const clients = async () => (await server.run(['list-clients', '-F', '#{client_pid} #{client_flags}'])).trim();

/** Every byte each pane wrote, from the moment of attaching. */
function recordOutput(c: ControlClient): Map<string, Buffer[]> {
  const seen = new Map<string, Buffer[]>();
  c.on('output', (pane, data) => seen.set(pane, [...(seen.get(pane) ?? []), data]));
  return seen;
}
const bytesOf = (seen: Map<string, Buffer[]>, pane: string) => Buffer.concat(seen.get(pane) ?? []);

describe('ControlClient', () => {
  it('answers 200 pipelined commands in order, and an %error only fails its own command', async () => {
    const c = await attach();
    const replies = Array.from({ length: 200 }, (_, i) =>
      i === 77 ? c.command(['no-such-command', 'x']) : c.command(['display-message', '-p', `reply ${i}`]),
    );
    const settled = await Promise.allSettled(replies);
    settled.forEach((r, i) => {
      if (i === 77) {
        expect(r.status).toBe('rejected');
        const err = (r as PromiseRejectedResult).reason as FlotillaError;
        expect(err).toBeInstanceOf(FlotillaError);
        expect(err.failure).toMatchObject({ reason: 'tmux-failed', subcommand: 'no-such-command' });
        expect(err.message).toContain('unknown command');
      } else {
        expect(r).toEqual({ status: 'fulfilled', value: [`reply ${i}`] });
      }
    });
  });

  it('passes arguments literally: quotes, ;, #, $, braces, backslashes, tabs and newlines', async () => {
    const c = await attach();
    const values = [
      `'; kill-server; "$x" #{pane_id}`,
      'line one\nline two\ttabbed \\ back\\slash ~ {braces} %if',
      ';',
      '',
      "it's €100 — done",
    ];
    for (const value of values) {
      await c.command(['set-option', '-g', '@flotilla_literal', value]);
      expect(await server.run(['show-options', '-gv', '@flotilla_literal'])).toBe(`${value}\n`);
    }
    expect(await server.run(['has-session', '-t', `=${SESSION}`])).toBe(''); // the server survived
  });

  it('decodes %output bytes exactly: backslash, tab, ESC and UTF-8', async () => {
    const c = await attach();
    const seen = recordOutput(c);
    const [pane] = await c.command([
      'new-window', '-d', '-P', '-F', '#{pane_id}',
      "printf 'A\\\\B\\tC\\033[1mD\\033[0m h\\303\\251 \\342\\202\\254 \\360\\237\\232\\242 end'; sleep 600",
    ]);
    const want = Buffer.from('A\\B\tC\x1b[1mD\x1b[0m hé € 🚢 end', 'utf8');
    await retryUntil(async () => bytesOf(seen, pane!).includes('end'), { what: 'the printf output' });
    expect(bytesOf(seen, pane!).equals(want)).toBe(true);
  });

  /** Milliseconds from `date` in a pane to our output event, for 20 lines. */
  async function printToEvent(c: ControlClient): Promise<number[]> {
    const latencies: number[] = [];
    let buffered = '';
    c.on('output', (_pane, data) => {
      buffered += data.toString('utf8');
      for (const m of buffered.matchAll(/T(\d{13})\r\n/g)) latencies.push(Date.now() - Number(m[1]));
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
    await c.command(['new-window', '-d', 'while :; do echo T$(date +%s%3N); sleep 0.05; done']);
    await retryUntil(async () => latencies.length >= 20, { what: '20 timestamped lines' });
    return [...latencies].sort((a, b) => a - b);
  }
  const median = (sorted: number[]) => sorted[sorted.length >> 1]!;

  it('delivers a printed line as an output event within 50 ms, batched (default) or not', async () => {
    const batched = await printToEvent(await attach());
    await client!.close();
    client = await ControlClient.attach(server, SESSION, { outputBatchMs: 0 });
    const immediate = await printToEvent(client);
    if (process.env.FLOTILLA_TEST_VERBOSE) console.log(`print-to-event ms, batched: ${batched.join(' ')}; immediate: ${immediate.join(' ')}`);
    expect(median(batched)).toBeLessThan(50);
    expect(median(immediate)).toBeLessThan(50);
  });

  it('answers commands at once while pane output is being read in batches', async () => {
    // Batches far longer than a reply takes, so the margin holds on a loaded machine too.
    client = await ControlClient.attach(server, SESSION, { outputBatchMs: 250 });
    const c = client;
    let outputs = 0;
    c.on('output', () => outputs++);
    for (let i = 0; i < 4; i++) await c.command(['new-window', '-d', 'while :; do echo busy; sleep 0.01; done']);
    await retryUntil(async () => outputs > 20, { what: 'pane output' });
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      expect(await c.command(['display-message', '-p', `n${i}`])).toEqual([`n${i}`]);
      times.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 37)); // land anywhere between batches
    }
    // A reply that waited for the 250 ms read batch would take ~125 ms on average; it resumes reading at once.
    expect(median(times.sort((a, b) => a - b))).toBeLessThan(60);
  });

  it('does not change the window size when it attaches, whatever window-size says', async () => {
    for (const mode of ['latest', 'smallest', 'largest']) {
      await server.run(['set-option', '-g', 'window-size', mode]);
      const c = await ControlClient.attach(server, SESSION);
      try {
        await c.command(['list-windows']);
        expect(await clients()).toContain('control-mode');
        expect(await clients()).toContain('ignore-size');
        expect(await windowSize()).toBe('160x48');
      } finally {
        await c.close();
      }
    }
  });

  it('close() detaches and leaves no tmux client process', async () => {
    const c = await attach();
    const exits: (string | undefined)[] = [];
    c.on('exit', (reason) => exits.push(reason));
    const pid = c.pid!;
    expect(await clients()).toContain(String(pid));
    await c.close();
    expect(c.closed).toBe(true);
    expect(exits).toEqual([undefined]);
    expect(await clients()).toBe('');
    expect(() => process.kill(pid, 0)).toThrow(); // exited and reaped: no zombie keeps the pid
    await expect(c.command(['list-windows'])).rejects.toThrow(/exited/);
  });

  it('reports the session going away: exit event, %exit notification, later commands rejected', async () => {
    const c = await attach();
    const notes: string[] = [];
    c.on('notification', (n) => notes.push(n.type));
    const exited = new Promise<string | undefined>((resolve) => c.on('exit', resolve));
    await server.run(['kill-session', '-t', `=${SESSION}`]);
    await exited;
    expect(notes).toContain('exit');
    expect(c.closed).toBe(true);
    const err = await c.command(['list-windows']).catch((e: unknown) => e);
    expect((err as FlotillaError).failure).toMatchObject({ reason: 'tmux-failed', subcommand: 'list-windows' });
  });

  it('refuses to attach to a missing session with an error naming attach-session', async () => {
    const err = await ControlClient.attach(server, 'nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlotillaError);
    expect((err as FlotillaError).failure).toMatchObject({ reason: 'tmux-failed', subcommand: 'attach-session' });
    expect((err as FlotillaError).message).toContain('nope');
    expect(await clients()).toBe('');
  });
});
