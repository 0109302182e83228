import { readFile, readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../core/package-root.js';
import { FlotillaError } from '../core/errors.js';
import { formatDiagnostic, makeDiagnostic, schemaDiagnostics, type Diagnostic } from '../mission/diagnostics.js';
import { parseYaml } from '../mission/locate.js';
import { SAFE_NAME } from '../mission/schema.js';

/** A role file: YAML front matter between "---" lines, then the system prompt. */
export const RoleFrontMatterSchema = z.strictObject({
  name: z.string().regex(SAFE_NAME, { message: 'a role name must start with a lowercase letter and use only a-z, 0-9, "-" and "_"' }),
  description: z.string().min(1).describe('One line: what this role is for.'),
  capabilities: z.array(z.string().min(1)).min(1, { message: 'a role needs at least one capability tag' }).describe('Tags used by capability dispatch.'),
  owns: z.array(z.string().min(1)).default([]).describe('File globs this role usually works on.'),
  model: z.string().min(1).optional().describe('Suggested model, e.g. sonnet, opus, haiku.'),
});

export interface Role {
  name: string;
  description: string;
  capabilities: string[];
  owns: string[];
  model?: string;
  prompt: string;
  file: string;
}

export const builtinRolesDir: string = join(packageRoot, 'roles');

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

/** Parse one role file; problems come back as diagnostics naming the file. */
export function parseRole(text: string, file: string, display = file): { role?: Role; errors: Diagnostic[] } {
  const at = (line: number, message: string, hint?: string) => makeDiagnostic(display, { line, col: 1 }, 'error', message, hint);
  const match = FRONT_MATTER.exec(text);
  if (!match) return { errors: [at(1, 'a role file must start with YAML front matter between "---" lines', 'start the file with ---, name/description/capabilities/owns/model, then ---')] };
  const [, header = '', body = ''] = match;
  // The front matter starts on line 2, after the opening "---".
  const yaml = parseYaml(header, 1);
  if (yaml.errors.length) return { errors: yaml.errors.map((e) => makeDiagnostic(display, e, 'error', `invalid YAML in front matter: ${e.message}`)) };
  const data: unknown = yaml.doc.toJS();
  const parsed = RoleFrontMatterSchema.safeParse(data ?? {});
  if (!parsed.success) return { errors: schemaDiagnostics(parsed.error.issues, RoleFrontMatterSchema, data ?? {}, display, yaml.locator) };
  const expected = basename(file, '.md');
  if (parsed.data.name !== expected)
    return { errors: [makeDiagnostic(display, yaml.locator.value(['name']), 'error', `role name "${parsed.data.name}" does not match its file name`, `rename the file to ${parsed.data.name}.md or set "name: ${expected}"`)] };
  const prompt = body.trim();
  if (!prompt) return { errors: [at(1, 'the role has no system prompt after its front matter', 'write the instructions for this role below the closing ---')] };
  return { role: { ...parsed.data, prompt, file }, errors: [] };
}

async function markdownFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md').sort().map((f) => join(dir, f));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Built-in roles plus those in `extraDirs`; later directories override earlier ones by name. */
export async function readRoles(extraDirs: string[]): Promise<{ roles: Map<string, Role>; errors: Diagnostic[] }> {
  const roles = new Map<string, Role>();
  const errors: Diagnostic[] = [];
  for (const dir of [builtinRolesDir, ...extraDirs]) {
    for (const file of await markdownFiles(dir)) {
      const display = relative(process.cwd(), file) || file;
      const result = parseRole(await readFile(file, 'utf8'), file, display.startsWith('..') ? file : display);
      errors.push(...result.errors);
      if (result.role) roles.set(result.role.name, result.role);
    }
  }
  return { roles, errors };
}

/** Like readRoles, but a bad role file is an error naming the file. */
export async function loadRoles(extraDirs: string[]): Promise<Map<string, Role>> {
  const { roles, errors } = await readRoles(extraDirs);
  const first = errors[0];
  if (first) throw new FlotillaError({ reason: 'invalid-mission', file: first.file, messages: errors.map(formatDiagnostic) });
  return roles;
}

export async function roleNames(extraDirs: string[]): Promise<string[]> {
  return [...(await loadRoles(extraDirs)).keys()].sort();
}
