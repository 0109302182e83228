import { describe, expect, it } from 'vitest';
import { parseDirective, planTask, promptSubject, safeRelativePath } from '../../src/sim/directive.js';

describe('parseDirective', () => {
  it('finds a sim: line anywhere in the prompt', () => {
    const prompt = 'Add a login page\n\nsim: {"duration_ms": 300, "fail": "crash", "file": "notes/a.txt"}\nthanks';
    expect(parseDirective(prompt)).toEqual({ script: { duration_ms: 300, fail: 'crash', file: 'notes/a.txt' } });
  });

  it('returns an empty script when there is no directive', () => {
    expect(parseDirective('just do it\nsim: not json here')).toEqual({ script: {} });
  });

  it('lets the last directive win', () => {
    expect(parseDirective('sim: {"duration_ms": 1}\r\nsim: {"duration_ms": 2}').script).toEqual({ duration_ms: 2 });
  });

  it('tolerates surrounding whitespace on the line', () => {
    expect(parseDirective('  sim:{"fail":"hang"}  ').script).toEqual({ fail: 'hang' });
  });

  it('reports broken JSON instead of guessing', () => {
    const d = parseDirective('sim: {"duration_ms": }');
    expect(d.script).toEqual({});
    expect(d.error).toMatch(/not JSON/);
  });

  it('rejects what SimScriptSchema rejects, naming the field', () => {
    expect(parseDirective('sim: {"fail": "explode"}').error).toMatch(/fail/);
    expect(parseDirective('sim: {"duration_ms": -5}').error).toMatch(/duration_ms/);
    expect(parseDirective('sim: {"speed": 2}').error).toMatch(/speed|unrecognized/i);
  });
});

describe('promptSubject', () => {
  it('is the first non-blank line that is not a directive, without control characters', () => {
    expect(promptSubject('\n  sim: {"fail":"crash"}\n  \x1b[31mFix\x1b[0m the bug \x07 \nmore')).toBe('Fix the bug');
  });

  it('falls back when the prompt has nothing else', () => {
    expect(promptSubject('sim: {}')).toBe('sim task');
  });
});

describe('safeRelativePath', () => {
  it('normalises paths inside the worktree', () => {
    expect(safeRelativePath('notes/./a.txt')).toBe('notes/a.txt');
    expect(safeRelativePath('a/../b.txt')).toBe('b.txt');
  });

  it('refuses paths that leave the worktree or touch .git', () => {
    for (const bad of ['/etc/passwd', '../x', 'a/../../x', '.git/config', '.', 'dir/']) {
      expect(safeRelativePath(bad), bad).toBeUndefined();
    }
  });
});

describe('planTask', () => {
  const env = (vars: Record<string, string> = {}) => ({ ...vars }) as NodeJS.ProcessEnv;

  it('defaults to 2 s on sim/<orchestrator>.txt with no failure', () => {
    expect(planTask('Write docs', env(), 'alpha')).toEqual({
      plan: { durationMs: 2000, fail: undefined, file: 'sim/alpha.txt', subject: 'Write docs' },
      warnings: [],
    });
  });

  it('scales the duration by FLOTILLA_SIM_SPEED', () => {
    expect(planTask('x\nsim: {"duration_ms": 300}', env({ FLOTILLA_SIM_SPEED: '0.1' }), 'a').plan.durationMs).toBe(30);
    expect(planTask('x', env({ FLOTILLA_SIM_SPEED: '0' }), 'a').plan.durationMs).toBe(0);
  });

  it('warns about a bad FLOTILLA_SIM_SPEED and uses 1', () => {
    const r = planTask('x', env({ FLOTILLA_SIM_SPEED: 'fast' }), 'a');
    expect(r.plan.durationMs).toBe(2000);
    expect(r.warnings[0]).toMatch(/FLOTILLA_SIM_SPEED/);
  });

  it('takes the failure from FLOTILLA_SIM_FAIL unless the directive names one', () => {
    expect(planTask('x', env({ FLOTILLA_SIM_FAIL: 'hang' }), 'a').plan.fail).toBe('hang');
    expect(planTask('x\nsim: {"fail": "crash"}', env({ FLOTILLA_SIM_FAIL: 'hang' }), 'a').plan.fail).toBe('crash');
    const bad = planTask('x', env({ FLOTILLA_SIM_FAIL: 'nope' }), 'a');
    expect(bad.plan.fail).toBeUndefined();
    expect(bad.warnings[0]).toMatch(/FLOTILLA_SIM_FAIL/);
  });

  it('edits a shared file on conflict so two agents collide', () => {
    expect(planTask('x', env({ FLOTILLA_SIM_FAIL: 'conflict' }), 'a').plan.file).toBe('sim/conflict.txt');
    expect(planTask('x\nsim: {"fail":"conflict","file":"README.md"}', env(), 'a').plan.file).toBe('README.md');
  });

  it('falls back to the default file, with a warning, when the directive points outside the worktree', () => {
    const r = planTask('x\nsim: {"file": "../../etc/passwd"}', env(), 'beta');
    expect(r.plan.file).toBe('sim/beta.txt');
    expect(r.warnings[0]).toMatch(/outside the worktree/);
  });

  it('passes on the directive error as a warning and carries on with defaults', () => {
    const r = planTask('x\nsim: {"fail": 1}', env(), 'a');
    expect(r.plan.fail).toBeUndefined();
    expect(r.warnings).toHaveLength(1);
  });
});
