import { describe, expect, it } from 'vitest';
import { DependencyCycleError, DuplicateTaskError, TaskGraph, UnknownDependencyError } from '../../src/tasks/graph.js';

describe('TaskGraph', () => {
  it('names the cycle when a batch closes one, and keeps nothing of the batch', () => {
    const g = new TaskGraph();
    g.add('base', []);
    let err: unknown;
    try {
      g.addAll([
        { id: 'a', deps: ['b', 'base'] },
        { id: 'b', deps: ['c'] },
        { id: 'c', deps: ['a'] },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DependencyCycleError);
    expect((err as Error).message).toBe('dependency cycle: a -> b -> c -> a');
    expect((err as DependencyCycleError).cycle).toEqual(['a', 'b', 'c', 'a']);
    expect(g.ids()).toEqual(['base']);
  });

  it('rejects a task that depends on itself', () => {
    expect(() => new TaskGraph().add('a', ['a'])).toThrow('dependency cycle: a -> a');
  });

  it('rejects a new dependency that would close a cycle, naming it', () => {
    const g = new TaskGraph();
    g.addAll([
      { id: 'a', deps: [] },
      { id: 'b', deps: ['a'] },
      { id: 'c', deps: ['b'] },
    ]);
    expect(() => g.addDep('a', 'c')).toThrow('dependency cycle: a -> c -> b -> a');
    expect(g.depsOf('a')).toEqual([]);
    g.addDep('c', 'a');
    expect(g.depsOf('c')).toEqual(['b', 'a']);
  });

  it('rejects unknown deps and duplicate ids', () => {
    const g = new TaskGraph();
    expect(() => g.add('a', ['ghost'])).toThrow(UnknownDependencyError);
    expect(() => g.add('a', ['ghost'])).toThrow('task "a" depends on unknown task "ghost"');
    g.add('a', []);
    expect(() => g.add('a', [])).toThrow(DuplicateTaskError);
  });

  it('orders deps first, keeping insertion order among independent tasks', () => {
    const g = new TaskGraph();
    const order = g.addAll([
      { id: 'deploy', deps: ['test', 'build'] },
      { id: 'docs', deps: [] },
      { id: 'test', deps: ['build'] },
      { id: 'build', deps: [] },
    ]);
    expect(order).toEqual(['docs', 'build', 'test', 'deploy']);
    expect(g.topologicalOrder()).toEqual(order);
  });

  it('lists descendants transitively, deps first', () => {
    const g = new TaskGraph();
    g.addAll([
      { id: 'a', deps: [] },
      { id: 'b', deps: ['a'] },
      { id: 'c', deps: ['b'] },
      { id: 'd', deps: ['a', 'c'] },
      { id: 'e', deps: [] },
    ]);
    expect(g.descendants('a')).toEqual(['b', 'c', 'd']);
    expect(g.descendants('c')).toEqual(['d']);
    expect(g.descendants('e')).toEqual([]);
    expect([...g.ancestors('d')].sort()).toEqual(['a', 'b', 'c']);
  });
});
