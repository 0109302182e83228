import { describe, expect, it } from 'vitest';
import { pickOrchestrator, type Candidate } from '../../src/supervisor/dispatch.js';
import { composePrompt } from '../../src/supervisor/prompt.js';

const c = (name: string, role: string, free: boolean, capabilities: string[] = []): Candidate => ({ name, role, free, capabilities });
const fleet = [c('a', 'backend-dev', true), c('b', 'qa-engineer', true), c('c', 'backend-dev', false), c('d', 'docs-writer', true, ['writing'])];

describe('dispatch strategies', () => {
  it('round-robin takes the next free orchestrator after the last one that got work', () => {
    expect(pickOrchestrator({ role: null }, fleet, 'round-robin', -1)?.name).toBe('a');
    expect(pickOrchestrator({ role: null }, fleet, 'round-robin', 0)?.name).toBe('b');
    expect(pickOrchestrator({ role: null }, fleet, 'round-robin', 1)?.name).toBe('d'); // c is busy
    expect(pickOrchestrator({ role: 'qa-engineer' }, fleet, 'round-robin', 1)?.name).toBe('d'); // roles ignored
  });

  it('capability matches the task role to the orchestrator role or its capabilities', () => {
    expect(pickOrchestrator({ role: 'qa-engineer' }, fleet, 'capability', -1)?.name).toBe('b');
    expect(pickOrchestrator({ role: 'writing' }, fleet, 'capability', -1)?.name).toBe('d');
    // nobody has the role at all: anyone free takes it rather than it waiting forever
    expect(pickOrchestrator({ role: 'security-auditor' }, fleet, 'capability', -1)?.name).toBe('a');
  });

  it('capability waits for a busy match; work-stealing lets a free orchestrator take it', () => {
    const busyMatch = [c('a', 'backend-dev', false), c('b', 'qa-engineer', true)];
    expect(pickOrchestrator({ role: 'backend-dev' }, busyMatch, 'capability', -1)).toBeUndefined();
    expect(pickOrchestrator({ role: 'backend-dev' }, busyMatch, 'work-stealing', -1)?.name).toBe('b');
  });

  it('the default strategy gives a task to a free orchestrator of its role, else to anyone free', async () => {
    const { loadMission } = await import('../../src/mission/load.js');
    const { join } = await import('node:path');
    const { packageRoot } = await import('../../src/core/package-root.js');
    const strategy = (await loadMission(join(packageRoot, 'missions', 'demo.yaml'))).value!.dispatch.strategy;
    const writers = [c('ada', 'backend-dev', true), c('grace', 'full-stack-dev', true), c('ursula', 'docs-writer', true)];
    expect(pickOrchestrator({ role: 'docs-writer' }, writers, strategy, -1)?.name).toBe('ursula');
    writers[2]!.free = false;
    expect(pickOrchestrator({ role: 'docs-writer' }, writers, strategy, -1)?.name).toBe('ada');
  });

  it('nobody free: nobody picked', () => {
    expect(pickOrchestrator({ role: null }, [c('a', 'x', false)], 'round-robin', -1)).toBeUndefined();
  });
});

describe('the task prompt', () => {
  it('names the task, the branch, what dependencies produced and how to report; carries the sim script', () => {
    const text = composePrompt({
      mission: 'm',
      orchestrator: 'ada',
      role: 'backend-dev',
      task: { id: 'login', title: 'Login endpoint', body: 'Use JWT.' },
      branch: 'flotilla/m/login',
      deps: [{ id: 'schema', title: 'Users table', summary: 'added users(id, email)' }],
      sim: { duration_ms: 10 },
    });
    expect(text.split('\n')[0]).toBe('Task login: Login endpoint');
    expect(text).toContain('Use JWT.');
    expect(text).toContain('branch flotilla/m/login');
    expect(text).toContain('- schema (Users table): added users(id, email)');
    expect(text).toContain('flotilla done --summary');
    expect(text).toContain('flotilla fail --reason');
    expect(text.trim().split('\n').pop()).toBe('sim: {"duration_ms":10}');
  });
});
