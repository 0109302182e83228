import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { missionPaths } from '../../src/core/paths.js';
import { terminalText } from '../../src/core/terminal-text.js';
import { makeFleetEnv, retryUntil, simMission, type FleetEnv } from '../helpers/fleet-env.js';

/** Text from tasks and agents reaches terminals as text: no escape sequence in it is obeyed. */
describe('terminalText', () => {
  it('shows controls as symbols, keeps newline, tab and (when asked) colour sequences', () => {
    expect(terminalText('a\x1b[2Jb\x00c\x07\x9b\x7f\td\ne')).toBe('a␛[2Jb␀c␇<0x9b>␡\td\ne');
    expect(terminalText('\x1b[38;2;1;2;3mname\x1b[0m \x1b]52;c;aGk=\x07', true)).toBe('\x1b[38;2;1;2;3mname\x1b[0m ␛]52;c;aGk=␇');
    expect(terminalText('\x1b[38;2;1;2;3mname')).toBe('␛[38;2;1;2;3mname');
  });
});

let f: FleetEnv;
beforeEach(async () => {
  f = await makeFleetEnv();
});
afterEach(async () => {
  await f.cleanup();
});

// A clear-screen, a clipboard write (OSC 52) and a bell, as an agent could put them in a title or a note.
const HOSTILE = 'Evil \x1b[2J\x1b]52;c;cm0gLXJmIH4=\x07 title';
const ESC = '\x1b';

describe('hostile task text on the terminal', () => {
  it('task list, status, events and the log show the escapes as symbols', async () => {
    await f.writeMission(simMission('hostile', 1));
    expect((await f.flotilla(['up'])).code).toBe(0);
    const add = await f.flotilla(['task', 'add', HOSTILE, '--json']);
    expect(add.code, add.stderr).toBe(0);
    const paths = missionPaths(f.home, 'hostile', f.socket);
    const env = {
      FLOTILLA_MISSION: 'hostile',
      FLOTILLA_ORCHESTRATOR: 'o1',
      FLOTILLA_HOME: f.home,
      FLOTILLA_HEARTBEAT_FILE: join(paths.heartbeats, 'o1.json'),
    };
    expect((await f.flotilla(['note', `look \x1b[2J here`], { env })).code).toBe(0);
    const log = await retryUntil(async () => {
      const text = await readFile(paths.log, 'utf8');
      return text.includes('look ␛[2J here') ? text : undefined;
    }, { what: 'the note in the log' });
    expect(log).not.toContain(ESC);
    // Colour is off in tests (NO_COLOR): any ESC printed would be the task's own.
    const list = await f.flotilla(['task', 'list']);
    expect(list.stdout).toContain('Evil ␛[2J␛]52;c;cm0gLXJmIH4=␇ title');
    for (const args of [['task', 'list'], ['status'], ['events']]) {
      const out = await f.flotilla(args);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout, args.join(' ')).not.toContain(ESC);
    }
    // A title of two lines would forge a row of task list: refused, with where the rest goes.
    const forged = await f.flotilla(['task', 'add', 'harmless\nfake-task                ready      -            forged row']);
    expect(forged.code).toBe(2);
    expect(forged.stderr).toContain('a title is one line');
    // JSON keeps the text exactly, escaped as JSON does.
    const tasks = JSON.parse((await f.flotilla(['task', 'list', '--json'])).stdout) as { title: string }[];
    expect(tasks.map((t) => t.title)).toContain(HOSTILE);
  }, 90_000);
});
