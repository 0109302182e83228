import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyScreen, DebouncedClassifier, SCREEN_PATTERNS, type ScreenReading } from '../../src/agents/screen-classifier.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/screens');
const fixture = (kind: string, name: string) => readFileSync(join(FIXTURES, kind, name), 'utf8');

/** Every recorded screen and what it must read as. A new fixture without an entry here fails the last test. */
const expected: Record<string, Record<string, ScreenReading>> = {
  claude: {
    'working-spinner.txt': { state: 'working' },
    'working-smooshing.txt': { state: 'working' },
    'working-after-error.txt': { state: 'working' },
    'idle-after-turn.txt': { state: 'idle', contextPercent: 12 },
    'permission-prompt.txt': { state: 'waiting-for-human' },
    'api-error.txt': { state: 'error' },
    'usage-limit.txt': { state: 'limit', limitResetsAt: '4:20am' },
    'context-low.txt': { state: 'idle', contextPercent: 92 },
  },
  sim: {
    'idle-start.txt': { state: 'idle' },
    'working.txt': { state: 'working' },
    'idle-after-turn.txt': { state: 'idle' },
    'working-second-turn.txt': { state: 'working' },
    'crashed.txt': { state: 'error' },
  },
};

describe('classifyScreen on recorded screens', () => {
  for (const [kind, cases] of Object.entries(expected)) {
    it.each(Object.entries(cases))(`${kind}/%s`, (name, reading) => {
      expect(classifyScreen(kind as keyof typeof SCREEN_PATTERNS, fixture(kind, name))).toEqual(reading);
    });
  }

  it('has an expectation for every fixture file', () => {
    for (const kind of readdirSync(FIXTURES)) {
      expect(readdirSync(join(FIXTURES, kind)).sort()).toEqual(Object.keys(expected[kind] ?? {}).sort());
    }
  });
});

describe('classifyScreen details', () => {
  const rule = '─'.repeat(40);
  const box = `${rule}\n❯ \n${rule}\n  ? for shortcuts`;

  it('matches any spinner glyph and verb, with or without the counter', () => {
    for (const glyph of ['·', '✢', '✳', '✶', '✻', '✽']) {
      expect(classifyScreen('claude', `${glyph} Cogitating…\n\n${box}`).state).toBe('working');
      expect(classifyScreen('claude', `${glyph} Running the tests… (12s · ↑ 1.2k tokens)\n${box}`).state).toBe('working');
    }
  });

  it('reads the newest line: an error above a finished turn is over, a limit below one is not', () => {
    expect(classifyScreen('claude', `  ⎿  API Error: 529 overloaded\n> again\n● Done.\n✻ Worked for 1m 3s\n${box}`).state).toBe('idle');
    expect(classifyScreen('claude', `✻ Baked for 8s\n> more\n  ⎿  You've hit your weekly limit · resets Oct 3, 9am\n${box}`)).toEqual({
      state: 'limit',
      limitResetsAt: 'Oct 3, 9am',
    });
  });

  it('ignores old output that scrolled above the bottom lines', () => {
    const old = ['✶ Fermenting… (3s · ↓ 20 tokens)', ...Array.from({ length: 12 }, (_, i) => `● line ${i}`)].join('\n');
    expect(classifyScreen('claude', `${old}\n${box}`).state).toBe('idle');
  });

  it('strips colour escapes from `capture-pane -e` screens', () => {
    expect(classifyScreen('sim', `\x1b[33m✶ Working… (2s · ↓ 80 tokens)\x1b[0m\n\x1b[2m${rule}\x1b[0m\n❯\n\x1b[2m${rule}\x1b[0m`).state).toBe('working');
  });

  it('says nothing about a screen it does not recognise', () => {
    expect(classifyScreen('claude', 'Loading…\n')).toEqual({});
    expect(classifyScreen('claude', '')).toEqual({});
  });

  it('generic agents: prompts, questions, spinners, tracebacks', () => {
    expect(classifyScreen('generic', 'done.\nuser@host:~/repo$ ').state).toBe('idle');
    expect(classifyScreen('generic', 'Overwrite src/a.ts? [y/N]').state).toBe('waiting-for-human');
    expect(classifyScreen('generic', '⠹ Thinking\n').state).toBe('working');
    expect(classifyScreen('generic', 'Traceback (most recent call last):\n  File "x.py", line 1\n').state).toBe('error');
    expect(classifyScreen('generic', 'printing some output').state).toBeUndefined();
  });
});

describe('DebouncedClassifier', () => {
  const rule = '─'.repeat(40);
  const idle = `✻ Worked for 2s\n${rule}\n❯\n${rule}`;
  const working = `> go\n✶ Working… (1s · ↓ 40 tokens)\n${rule}\n❯\n${rule}`;
  const crashed = `> go\nAPI Error: simulated crash\n${rule}\n❯\n${rule}`;

  const setup = (debounceMs?: number) => {
    const clock = { t: 1000, now: () => clock.t };
    return { clock, c: new DebouncedClassifier('sim', { clock, debounceMs }) };
  };

  it('reports a new state only once it has held for the debounce time', () => {
    const { clock, c } = setup();
    expect(c.debounceMs).toBe(300);
    expect(c.observe(idle)).toBeUndefined();
    expect(c.pendingUntil).toBe(1300);
    clock.t = 1299;
    expect(c.observe(idle)).toBeUndefined();
    expect(c.state).toBeUndefined();
    clock.t = 1300;
    expect(c.tick()).toBe('idle');
    expect(c.state).toBe('idle');
    expect(c.observe(idle)).toBeUndefined();

    clock.t = 2000;
    expect(c.observe(working)).toBeUndefined();
    clock.t = 2350;
    expect(c.observe(working)).toBe('working');
    expect(c.tick()).toBeUndefined();
  });

  it('drops a flicker that does not hold', () => {
    const { clock, c } = setup(300);
    c.observe(working);
    clock.t += 300;
    expect(c.tick()).toBe('working');
    clock.t += 10;
    expect(c.observe(idle)).toBeUndefined();
    clock.t += 100;
    expect(c.observe(working)).toBeUndefined();
    clock.t += 1000;
    expect(c.tick()).toBeUndefined();
    expect(c.state).toBe('working');
    // An unreadable frame also breaks the hold: the timer restarts after it.
    c.observe(idle);
    clock.t += 200;
    c.observe('');
    clock.t += 200;
    expect(c.observe(idle)).toBeUndefined();
    clock.t += 299;
    expect(c.tick()).toBeUndefined();
    clock.t += 1;
    expect(c.tick()).toBe('idle');
  });

  it('reports errors and permission prompts at once', () => {
    const { c } = setup(300);
    expect(c.observe(crashed)).toBe('error');
    expect(c.observe(crashed)).toBeUndefined();
    expect(c.state).toBe('error');
    const claude = new DebouncedClassifier('claude', { clock: { now: () => 0 } });
    expect(claude.observe(fixture('claude', 'permission-prompt.txt'))).toBe('waiting-for-human');
    expect(claude.observe(fixture('claude', 'api-error.txt'))).toBe('error');
  });

  it('keeps the latest context reading', () => {
    const c = new DebouncedClassifier('claude', { clock: { now: () => 0 } });
    c.observe(fixture('claude', 'context-low.txt'));
    expect(c.latest).toEqual({ state: 'idle', contextPercent: 92 });
  });
});
