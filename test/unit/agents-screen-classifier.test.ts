import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyScreen, DebouncedClassifier, SCREEN_PATTERNS, type ScreenReading } from '../../src/agents/screen-classifier.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/screens');
const fixture = (kind: string, name: string) => readFileSync(join(FIXTURES, kind, name), 'utf8');

/**
 * Every recorded screen is named `<label>--<what>.txt`: the label is what a
 * person reads on that screen (README.md in the folder has the table). Each
 * must classify as its label; `unknown` means no rule may claim it.
 */
const LABEL = /^(working|idle|waiting-for-human|error|usage-limit|unknown)--[a-z0-9.-]+\.txt$/;
const kinds = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

/** Readings beyond the state that some fixtures pin down. */
const details: Record<string, Partial<ScreenReading>> = {
  'claude/idle--idle-after-turn.txt': { contextPercent: 12 },
  'claude/idle--context-low.txt': { contextPercent: 92 },
  'claude/usage-limit--usage-limit.txt': { limitResetsAt: '4:20am' },
  'claude/waiting-for-human--permission-prompt.txt': { line: 'Do you want to proceed?' },
};

describe('classifyScreen on recorded screens', () => {
  for (const kind of kinds) {
    const files = readdirSync(join(FIXTURES, kind)).filter((f) => f.endsWith('.txt')).sort();
    it.each(files)(`${kind}/%s`, (name) => {
      const label = LABEL.exec(name)?.[1];
      expect(label, `fixture name ${kind}/${name} must be <label>--<what>.txt`).toBeDefined();
      const reading = classifyScreen(kind as keyof typeof SCREEN_PATTERNS, fixture(kind, name));
      expect(reading.state ?? 'unknown', `${kind}/${name}: rule ${reading.rule} on ${JSON.stringify(reading.line)}`).toBe(label);
      const extra = details[`${kind}/${name}`];
      if (extra) expect(reading).toMatchObject(extra);
    });
  }

  it('names the rule and the line that decided', () => {
    const screen = fixture('claude', 'working--working-spinner.txt');
    const reading = classifyScreen('claude', screen);
    expect(reading.rule).toBe('spinner');
    expect(screen).toContain(reading.line!);
  });

  it('has recorded screens for every agent kind with patterns of its own', () => {
    expect(kinds.sort()).toEqual(expect.arrayContaining(['claude', 'sim']));
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
    expect(classifyScreen('claude', `✻ Baked for 8s\n> more\n  ⎿  You've hit your weekly limit · resets Oct 3, 9am\n${box}`)).toMatchObject({
      state: 'usage-limit',
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
    expect(claude.observe(fixture('claude', 'waiting-for-human--permission-prompt.txt'))).toBe('waiting-for-human');
    expect(claude.observe(fixture('claude', 'error--api-error.txt'))).toBe('error');
  });

  it('keeps the latest context reading', () => {
    const c = new DebouncedClassifier('claude', { clock: { now: () => 0 } });
    c.observe(fixture('claude', 'idle--context-low.txt'));
    expect(c.latest).toMatchObject({ state: 'idle', contextPercent: 92 });
  });
});
