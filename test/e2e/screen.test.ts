import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/fleet-env.js';

/**
 * `flotilla screen` as a user debugging a pattern runs it: one recorded
 * screen of every label of every agent kind (dialogs, spinners, limits,
 * errors, idle prompts), from a file and from standard input.
 */
const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'screens');
const kinds = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

function screen(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [BIN, 'screen', ...args], { env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

/** The first fixture of each label, per kind. */
const cases = kinds.flatMap((kind) => {
  const byLabel = new Map<string, string>();
  for (const file of readdirSync(join(FIXTURES, kind)).sort()) {
    const label = file.split('--')[0]!;
    if (file.endsWith('.txt') && !byLabel.has(label)) byLabel.set(label, file);
  }
  return [...byLabel].map(([label, file]) => ({ kind, label, file }));
});

describe('flotilla screen', () => {
  it.each(cases)('$kind: $label ($file)', async ({ kind, label, file }) => {
    const path = join(FIXTURES, kind, file);
    const r = await screen(['--agent', kind, path, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { state: string; rule: string | null; line: string | null };
    expect(out.state, `${kind}/${file}: rule ${out.rule} on ${JSON.stringify(out.line)}`).toBe(label);
    if (label !== 'unknown') {
      expect(out.rule).toEqual(expect.any(String));
      // The deciding line is on the screen (for a dialog: its question).
      expect(readFileSync(path, 'utf8')).toContain(out.line!.slice(0, 20));
    }
  });

  it('reads standard input and prints the state, the rule and the line for a person', async () => {
    const text = readFileSync(join(FIXTURES, 'claude', 'waiting-for-human--permission-prompt.txt'), 'utf8');
    const r = await screen(['-'], text);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^waiting-for-human {2}\(rule claude\/[a-z-]+: "Do you want to proceed\?"\)/);
    const none = await screen(['--agent', 'generic'], 'printing some output\n');
    expect(none.stdout).toMatch(/^unknown {2}\(no generic rule matched\)/);
  });

  it('an unknown agent kind or a missing file is a usage error (exit 2)', async () => {
    const bad = await screen(['--agent', 'gpt', '-'], 'x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--agent must be one of claude, codex, aider, gemini, generic, sim');
    const missing = await screen(['/nonexistent/screen.txt']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read screen file /nonexistent/screen.txt: ENOENT');
  });
});
