import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FlotillaError } from '../core/errors.js';
import { layoutNames } from '../layout/catalog.js';
import { readRoles } from '../roles/catalog.js';
import { byPosition, formatDiagnostic, makeDiagnostic, schemaDiagnostics, type Diagnostic } from './diagnostics.js';
import { parseYaml, toData, type YamlProblem } from './locate.js';
import { defaultColor, resolveColor } from './palette.js';
import { checkRules, effectiveAgent } from './rules.js';
import { MissionSchema, type Mission, type MissionDoc, type Orchestrator } from './schema.js';

export type { Diagnostic } from './diagnostics.js';

export interface LoadResult {
  value?: Mission;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

const START = { line: 1, col: 1 };

/**
 * YAML text → zod schema → cross-field rules → a Mission with every default
 * filled in. User mistakes come back as diagnostics; this never throws for them.
 */
export async function loadMission(file: string): Promise<LoadResult> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { errors: [readError(file, err as NodeJS.ErrnoException)], warnings: [] };
  }

  const tooBig = sizeProblem(file, text);
  if (tooBig) return { errors: [tooBig], warnings: [] };
  const yaml = parseYaml(text);
  const warnings = yaml.warnings.map((w) => makeDiagnostic(file, w, 'warning', w.message));
  if (yaml.errors.length)
    return { errors: yaml.errors.map((e) => makeDiagnostic(file, e, 'error', `YAML syntax error: ${e.message}`, syntaxHint(e))), warnings };

  const converted = toData(yaml);
  if ('problem' in converted) {
    const hint = converted.problem.code === 'UNRESOLVED_ALIAS' ? 'define the anchor (&name) on a value above its first use, or write the value out' : 'write the values out instead of nesting aliases';
    return { errors: [makeDiagnostic(file, converted.problem, 'error', `YAML error: ${converted.problem.message}`, hint)], warnings };
  }
  const data = converted.data;
  const parsed = MissionSchema.safeParse(data);
  if (!parsed.success) {
    return { errors: schemaDiagnostics(parsed.error.issues, MissionSchema, data, file, yaml.locator), warnings };
  }

  const dir = dirname(path);
  const roles = await readRoles([join(dir, 'roles')]);
  if (roles.errors.length) return { errors: roles.errors, warnings };

  const findings = checkRules(parsed.data, { file, dir, locator: yaml.locator, roles: new Set(roles.roles.keys()), layouts: layoutNames() }).sort(byPosition);
  const errors = findings.filter((d) => d.severity === 'error');
  warnings.push(...findings.filter((d) => d.severity === 'warning'));
  if (errors.length) return { errors, warnings };
  return { value: buildMission(parsed.data, path), errors: [], warnings };
}

/** For commands that need a valid mission: throws a FlotillaError carrying every formatted diagnostic. */
export async function loadMissionOrThrow(file: string): Promise<Mission> {
  if (!existsSync(resolve(file))) throw new FlotillaError({ reason: 'mission-not-found', file });
  const result = await loadMission(file);
  if (result.value) return result.value;
  throw new FlotillaError({ reason: 'invalid-mission', file, messages: result.errors.map(formatDiagnostic) });
}

/** Mission files are small: bounded before parsing, so a hostile one cannot take seconds and gigabytes. */
export const MAX_MISSION_BYTES = 1024 * 1024;
export const MAX_NESTING = 64;

function sizeProblem(file: string, text: string): Diagnostic | undefined {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_MISSION_BYTES) {
    return makeDiagnostic(file, START, 'error', `the mission file is ${(bytes / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_MISSION_BYTES / 1024 / 1024} MB`, 'move long task texts to prompt_file: files, which are read when the task is delivered');
  }
  // Flow collections ([ and {) nest without indentation; count them outside quotes.
  let depth = 0;
  let quote = '';
  let line = 1;
  let col = 0;
  let previous = '\n'; // the last character that is not a space
  for (const ch of text) {
    col++;
    if (ch === '\n') {
      line++;
      col = 0;
    }
    if (quote) {
      if (ch === quote) quote = '';
    } else if ((ch === '"' || ch === "'") && /[\s[{,:\-?]/.test(previous)) {
      quote = ch; // a quoted scalar starts here (an apostrophe inside a word does not)
    } else if ((ch === '[' || ch === '{') && (depth > 0 || /[\n:\-?]/.test(previous))) {
      // A collection starts where a value does; inside one, [ and { are never text.
      if (++depth > MAX_NESTING) return makeDiagnostic(file, { line, col }, 'error', `values are nested more than ${MAX_NESTING} deep`, 'a mission needs a few levels: flatten this value');
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
    if (ch === '\n' || ch !== ' ') previous = ch;
  }
  return undefined;
}

function readError(file: string, err: NodeJS.ErrnoException): Diagnostic {
  if (err.code === 'ENOENT')
    return makeDiagnostic(file, START, 'error', 'mission file not found', 'pass the path of a mission file, or create ./flotilla.yaml (missions/demo.yaml is an example)');
  if (err.code === 'EISDIR') return makeDiagnostic(file, START, 'error', 'this is a directory, not a mission file', `pass the YAML file, e.g. ${join(file, 'flotilla.yaml')}`);
  return makeDiagnostic(file, START, 'error', `cannot read mission file: ${err.message}`, 'check the path and its permissions');
}

function syntaxHint(e: YamlProblem): string {
  switch (e.code) {
    case 'TAB_AS_INDENT':
      return 'YAML indentation must use spaces, not tabs';
    case 'DUPLICATE_KEY':
      return 'a key may appear only once in a mapping: remove or merge the duplicate';
    case 'BAD_INDENT':
      return 'check the indentation: entries of one mapping or list must line up, and brackets must be closed';
    case 'MISSING_CHAR':
      return 'a quote or bracket is not closed';
    default:
      return 'quote values that contain ": " or " #", and check the indentation';
  }
}

/** The repository holding `dir`: the nearest ancestor with a .git entry (file for worktrees, dir otherwise). */
export function findRepoRoot(dir: string): string | undefined {
  for (let here = dir; ; here = dirname(here)) {
    if (existsSync(join(here, '.git'))) return here;
    if (dirname(here) === here) return undefined;
  }
}

function buildMission(doc: MissionDoc, file: string): Mission {
  const dir = dirname(file);
  const repo = doc.repo !== undefined ? resolve(dir, doc.repo) : (findRepoRoot(dir) ?? dir);
  const taken = new Set(doc.orchestrators.flatMap((o) => (o.color ? [resolveColor(o.color)!] : [])));
  let defaulted = 0;
  const orchestrators = doc.orchestrators.map((o, index): Orchestrator => {
    let color = o.color ? resolveColor(o.color)! : undefined;
    if (!color) {
      color = defaultColor(defaulted++, taken);
      taken.add(color);
    }
    return { name: o.name, index, role: o.role, color, agent: effectiveAgent(doc.agent, o.agent) };
  });
  return {
    name: doc.name,
    file,
    repo,
    base: doc.base ?? 'main',
    worktreesDir: resolve(repo, doc.worktrees ?? join('.flotilla', 'worktrees')),
    layout: doc.layout ?? 'grid',
    paneBackground: doc.theme?.pane_background ?? false,
    tmuxServer: doc.tmux?.server ?? 'default',
    setup: { copy: doc.setup?.copy ?? [], run: doc.setup?.run ?? [] },
    orchestrators,
    streams: doc.streams ?? [],
    tasks: (doc.tasks ?? []).map((t) => (t.prompt_file !== undefined ? { ...t, prompt_file: resolve(dir, t.prompt_file) } : t)),
    dispatch: {
      strategy: doc.dispatch?.strategy ?? 'work-stealing',
      maxActive: doc.dispatch?.max_active ?? orchestrators.length,
      onTimeout: doc.dispatch?.on_timeout ?? 'requeue',
      stallAfterS: doc.dispatch?.stall_after ?? 120,
    },
    merge: {
      ...(doc.merge ? { test: doc.merge.test } : {}),
      strategy: doc.merge?.strategy ?? 'squash',
      parallel: doc.merge?.parallel ?? Math.min(4, Math.max(1, availableParallelism())),
      batch: doc.merge?.batch ?? 4,
      retries: doc.merge?.retries ?? 1,
      maxAttempts: doc.merge?.max_attempts ?? 3,
      timeoutS: doc.merge?.timeout ?? 600,
      push: doc.merge?.push ?? null,
    },
  };
}
