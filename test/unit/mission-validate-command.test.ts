import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { run as validate } from '../../src/cli/commands/validate.js';
import { run as schema } from '../../src/cli/commands/schema.js';
import { packageRoot } from '../../src/core/package-root.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'missions');
let out = '';
beforeEach(() => {
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('flotilla validate', () => {
  test('a valid mission: summary line, exit 0', async () => {
    const file = join(packageRoot, 'missions', 'demo.yaml');
    expect(await validate(file, { schemaOnly: true })).toBe(0);
    expect(out).toBe(`${file}: ok, 4 orchestrators, 9 tasks\n`);
  });

  test('an invalid mission: each diagnostic with its hint, a summary, exit 2', async () => {
    const file = join(fixtures, 'bad', 'unknown-layout.yaml');
    expect(await validate(file, {})).toBe(2);
    expect(out).toBe(`${file}:2:9: error: unknown layout "gird"\n  hint: did you mean "grid"?\n${file}: 1 error\npreflight: not run (fix the errors above first)\n`);
  });

  test('warnings are printed but do not fail', async () => {
    const file = join(fixtures, 'good', 'warnings.yaml');
    expect(await validate(file, { schemaOnly: true })).toBe(0);
    expect(out).toContain(`${file}:4:44: warning: orchestrator "bob" has the same color`);
    expect(out).toContain(`${file}: ok, 2 orchestrators, 0 tasks, 2 warnings`);
  });

  test('--json prints {file, ok, errors, warnings}', async () => {
    const file = join(fixtures, 'bad', 'self-dep.yaml');
    expect(await validate(file, { json: true })).toBe(2);
    const parsed = JSON.parse(out) as { file: string; ok: boolean; errors: unknown[]; warnings: unknown[] };
    expect(parsed).toMatchObject({ file, ok: false, warnings: [], preflight: null });
    expect(parsed.errors).toEqual([expect.objectContaining({ line: 5, col: 31, severity: 'error', message: 'task "a" depends on itself' })]);
  });
});

describe('flotilla schema', () => {
  test('prints the JSON Schema, exit 0', async () => {
    expect(await schema()).toBe(0);
    const parsed = JSON.parse(out) as { title: string; additionalProperties: boolean };
    expect(parsed).toMatchObject({ title: 'Flotilla mission', additionalProperties: false });
  });
});
