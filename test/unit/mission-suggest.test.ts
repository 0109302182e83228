import { describe, expect, test } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/mission/suggest.js';
import { effectiveAgent } from '../../src/mission/rules.js';

describe('did-you-mean', () => {
  test('edit distance counts adjacent transpositions as one edit', () => {
    expect(editDistance('orchestrator', 'orchestrators')).toBe(1);
    expect(editDistance('orhcestrators', 'orchestrators')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  test('suggests a close candidate, else lists them all', () => {
    expect(closest('Tasks', ['name', 'tasks'])).toBe('tasks');
    expect(closest('zzzz', ['name', 'tasks'])).toBeUndefined();
    expect(didYouMean('gird', ['grid', 'main', 'tabs'])).toBe('did you mean "grid"?');
    expect(didYouMean('spiral', ['grid', 'main', 'tabs'])).toBe('expected one of: grid, main, tabs');
  });
});

describe('agent override merge', () => {
  test('no defaults means claude', () => {
    expect(effectiveAgent(undefined, undefined)).toEqual({ kind: 'claude' });
  });

  test('same kind: override fields win, env is merged key by key', () => {
    expect(effectiveAgent({ kind: 'codex', model: 'a', env: { A: '1', B: '1' } }, { model: 'b', env: { B: '2' } })).toEqual({
      kind: 'codex',
      model: 'b',
      env: { A: '1', B: '2' },
    });
  });

  test('a different kind drops the other CLI\'s command, args and model but keeps env', () => {
    expect(effectiveAgent({ kind: 'generic', command: 'x', args: ['-y'], model: 'm', env: { A: '1' } }, { kind: 'aider' })).toEqual({
      kind: 'aider',
      env: { A: '1' },
    });
  });
});
