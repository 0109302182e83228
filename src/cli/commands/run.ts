import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { FlotillaError } from '../../core/errors.js';
import { print } from '../../core/output.js';
import { flotillaHome } from '../../core/paths.js';

/**
 * `flotilla run A.md B.md …`: an ad-hoc mission, no YAML needed. Each prompt
 * file becomes a task; up to --parallel agents of the default kind work them
 * in parallel in the current repository; it waits for the end like `up --wait`.
 */
export async function run(files: string[], opts: { agent?: string; parallel?: number; socket?: string; timeout?: number; repo?: string; preflight?: boolean; trust?: boolean }): Promise<number> {
  const kinds = ['claude', 'codex', 'aider', 'gemini', 'sim'];
  if (opts.agent && !kinds.includes(opts.agent)) throw new FlotillaError({ reason: 'usage', message: `--agent must be one of ${kinds.join(', ')}, not "${opts.agent}"` });
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new FlotillaError({ reason: 'usage', message: `prompt file(s) not found: ${missing.join(', ')}` });
  const { repoRoot } = await import('../../git/git.js');
  const repo = await repoRoot(opts.repo ?? process.cwd());
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const name = `run-${stamp}`;
  const ids = new Set<string>();
  const tasks = files.map((file) => {
    let id = `p-${basename(file).replace(/\.[^.]*$/, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').slice(0, 30)}`.replace(/-+$/, '');
    for (let n = 2; ids.has(id); n++) id = `${id}-${n}`;
    ids.add(id);
    return { id, title: basename(file), prompt_file: resolve(file) };
  });
  const count = Math.max(1, Math.min(opts.parallel ?? 4, files.length));
  const mission = {
    name,
    repo,
    layout: 'grid',
    agent: { kind: opts.agent ?? 'claude' },
    orchestrators: Array.from({ length: count }, (_, i) => ({ name: `r${i + 1}`, role: 'full-stack-dev' })),
    tasks,
  };
  // Beside the archived runs (runs/), not among them.
  const dir = join(flotillaHome(), 'adhoc');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `# Ad-hoc mission written by "flotilla run"\n${stringify(mission)}`, { mode: 0o600 });
  print(`mission file: ${file}`);
  const { run: up } = await import('./up.js');
  return up(file, { socket: opts.socket, wait: true, timeout: opts.timeout, preflight: opts.preflight, trust: opts.trust });
}
