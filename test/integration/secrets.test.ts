import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redact } from '../../src/supervisor/logger.js';
import { makeFleetEnv, retryUntil, type FleetEnv } from '../helpers/fleet-env.js';

/**
 * A secret in agent.env (an API key) reaches the agent and nothing else: not
 * the command line of tmux or of any process (`ps` shows those to every local
 * user), not the supervisor's log; Flotilla's state is readable by its own
 * user only.
 */
let f: FleetEnv;
beforeEach(async () => {
  f = await makeFleetEnv();
});
afterEach(async () => {
  await f.cleanup();
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('secrets stay private', () => {
  it('an agent.env secret reaches the agent, never a command line or the log; state is 0700/0600', async () => {
    const secret = `tok-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    const key = `sk-ant-api03-${Math.random().toString(36).slice(2)}abcdefgh`;
    const seen = join(f.repo.scratch, 'seen.txt');
    await f.writeMission(
      [
        'name: sec',
        // The agent writes what it was given, then says the key on its screen (as a crash report might).
        `agent: { kind: generic, command: sh, args: [-c, 'printf "%s %s" "$SERVICE_TOKEN" "$ANTHROPIC_API_KEY" > ${seen}; echo "using $ANTHROPIC_API_KEY"; exit 7'], env: { SERVICE_TOKEN: "${secret}", ANTHROPIC_API_KEY: "${key}" } }`,
        // A setup step that prints both (a token an install step echoes): its log is redacted too.
        `setup: { run: ['echo "installing with ${key}"; echo "service ${secret}" >&2'] }`,
        'orchestrators:',
        '  - { name: one, role: backend-dev }',
        '',
      ].join('\n'),
    );
    const up = await f.flotilla(['up', '--no-preflight']);
    expect(up.code, up.stderr).toBe(0);
    expect(await retryUntil(async () => (await readFile(seen, 'utf8').catch(() => '')) || undefined, { what: 'the agent to run' })).toBe(`${secret} ${key}`);

    // No process of this machine has either in its command line: tmux's server included.
    const ps = (await promisify(execFile)('ps', ['-eo', 'args'], { maxBuffer: 16 << 20 })).stdout;
    expect(ps).toContain(`-L ${f.socket}`); // ps works and lists this mission's tmux server
    expect(ps).not.toContain(secret);
    expect(ps).not.toContain(key);

    // The agent exited with its key on screen: the log quotes the screen, redacted.
    const stateDir = join(f.home, 'missions', f.socket, 'sec');
    const log = await retryUntil(async () => {
      const text = await readFile(join(stateDir, 'supervisor.log'), 'utf8');
      return /agent exited/.test(text) && text;
    }, { what: 'the exit in the log' });
    expect(log).not.toContain(key);
    expect(log).not.toContain(secret);
    const setupLog = await readFile(join(stateDir, 'setup', 'one.log'), 'utf8');
    expect(setupLog).toContain('installing with [redacted]');
    expect(setupLog).toContain('service [redacted]');
    expect(await mode(join(stateDir, 'setup', 'one.log'))).toBe(0o600);

    // Readable by this user only.
    expect(await mode(f.home)).toBe(0o700);
    expect(await mode(stateDir)).toBe(0o700);
    expect(await mode(join(stateDir, 'supervisor.log'))).toBe(0o600);
    expect(await mode(join(stateDir, 'env', 'one.sh'))).toBe(0o600);
    expect(await mode(join(stateDir, 'state.json'))).toBe(0o600);
    for (const dir of ['heartbeats', 'inbox', 'roles', 'bin', 'env', 'setup']) expect(await mode(join(stateDir, dir)), dir).toBe(0o700);
    expect(await mode(join(stateDir, 'roles', 'one.md'))).toBe(0o600);
    expect(await mode(join(stateDir, 'bin', 'flotilla'))).toBe(0o700);

    // down takes the secrets with it (the run is archived, its env file removed), and status no longer shows the old mission.
    const down = await f.flotilla(['down', '--force']);
    expect(down.code, down.stderr).toBe(0);
    expect(existsSync(join(stateDir, 'env'))).toBe(false);
    const status = await f.flotilla(['status']);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain('is not running');
  }, 60_000);

  it('redact blanks key shapes and the given values, and leaves the rest of the line', () => {
    expect(redact('failed with sk-ant-api03-AbCdEf012345_-xyz and ghp_0123456789abcdefghijABCD in it')).toBe('failed with [redacted] and [redacted] in it');
    expect(redact('token=hunter2-long here', ['hunter2-long'])).toBe('token=[redacted] here');
    expect(redact('a short value abc stays', ['abc'])).toBe('a short value abc stays');
  });
});
