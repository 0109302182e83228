import { describe, expect, it } from 'vitest';
import { IllegalTransitionError, newTask, transition, type Task, type TaskDef } from '../../src/tasks/task.js';

const def: TaskDef = { id: 'api', title: 'Build the API', deps: [], priority: 0, retries: 0, timeoutMs: null, role: null, stream: null };

function done(): Task {
  let t = newTask(def, 0);
  t = transition(t, { state: 'ready', since: 1, orchestrator: null });
  t = transition(t, { state: 'assigned', since: 2, orchestrator: 'ann' });
  t = transition(t, { state: 'running', since: 3, orchestrator: 'ann', deadline: null }, { attempts: 1 });
  return transition(t, { state: 'done', since: 4, orchestrator: 'ann', summary: 'ok' });
}

describe('task transitions', () => {
  it('walks the happy path, keeping the definition and dropping old state data', () => {
    const t = done();
    expect(t).toEqual({ ...def, attempts: 1, rejections: 0, feedback: null, state: 'done', since: 4, orchestrator: 'ann', summary: 'ok' });
    expect(t).not.toHaveProperty('deadline');
  });

  it('throws on done -> running, naming the task and both states', () => {
    expect(() => transition(done(), { state: 'running', since: 5, orchestrator: 'bob', deadline: null })).toThrow(
      new IllegalTransitionError('api', 'done', 'running'),
    );
    expect(() => transition(done(), { state: 'running', since: 5, orchestrator: 'bob', deadline: null })).toThrow(
      'task "api" cannot go from done to running',
    );
  });

  it('does not let a pending task skip ready', () => {
    expect(() => transition(newTask(def, 0), { state: 'assigned', since: 1, orchestrator: 'ann' })).toThrow(IllegalTransitionError);
  });
});
