import { z } from 'zod';
import type { Locator, Position, YamlPath } from './locate.js';
import { SAFE_NAME } from './schema.js';
import { closest, didYouMean } from './suggest.js';

export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  severity: 'error' | 'warning';
  message: string;
  hint?: string;
}

/** `FILE:LINE:COL: error: MESSAGE`, and `  hint: HINT` on a second line when there is one. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

export function makeDiagnostic(file: string, at: Position, severity: Diagnostic['severity'], message: string, hint?: string): Diagnostic {
  return { file, line: at.line, col: at.col, severity, message, ...(hint ? { hint } : {}) };
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.col - b.col;
}

/** `orchestrators[0].agent` */
export function formatPath(path: YamlPath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`)).join('');
}

/** Walk a zod schema along a data path, unwrapping optionals and pipes; keeps the nearest description. */
export function schemaAt(root: z.ZodType, path: YamlPath): { schema?: z.ZodType; description?: string } {
  let schema: z.ZodType | undefined = root;
  let description: string | undefined;
  const unwrap = () => {
    for (;;) {
      description ??= schema?.description;
      if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) schema = schema.unwrap() as z.ZodType;
      else if (schema instanceof z.ZodPipe) schema = schema.in as z.ZodType;
      else return;
    }
  };
  unwrap();
  for (const segment of path) {
    description = undefined;
    if (schema instanceof z.ZodObject && typeof segment === 'string') schema = schema.shape[segment] as z.ZodType | undefined;
    else if (schema instanceof z.ZodArray && typeof segment === 'number') schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return {};
    unwrap();
  }
  return { schema, ...(description ? { description } : {}) };
}

function valueAt(data: unknown, path: YamlPath): unknown {
  let here = data;
  for (const segment of path) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<PropertyKey, unknown>)[segment];
  }
  return here;
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping (key: value lines)',
  record: 'a mapping (key: value lines)',
  array: 'a list ("- item" lines or [a, b])',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

function describeValue(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** A safe-name version of a rejected name, for the hint: "Foo Bar" → "foo-bar". */
export function slugify(input: string): string | undefined {
  const slug = input
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-{2,}/g, '-')
    .slice(0, 40)
    .replace(/-+$/, '');
  return SAFE_NAME.test(slug) ? slug : undefined;
}

const isDefaultMessage = (m: string) => /^(Invalid|Too (small|big)|Unrecognized)/.test(m);

/** Turn one zod issue into diagnostics that say what is wrong and how to fix it. */
export function issueDiagnostics(issue: z.core.$ZodIssue, root: z.ZodType, data: unknown, file: string, locator: Locator): Diagnostic[] {
  const path = issue.path as PropertyKey[];
  const { description } = schemaAt(root, path);
  const value = valueAt(data, path);
  const last = path[path.length - 1];
  const label = path.length === 0 ? 'the mission' : typeof last === 'string' ? `"${last}"` : formatPath(path);
  const parent = path.length > 1 ? ` in ${formatPath(path.slice(0, -1))}` : '';
  const error = (message: string, hint?: string, at = locator.value(path)) => makeDiagnostic(file, at, 'error', message, hint);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const { schema } = schemaAt(root, path);
      const allowed = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
      const where = path.length ? ` in ${formatPath(path)}` : '';
      return issue.keys.map((key) =>
        error(`unknown key "${key}"${where}`, didYouMean(key, allowed, 'allowed keys here are'), locator.key([...path, key])),
      );
    }
    case 'invalid_type': {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      if (path.length === 0 && (value === undefined || value === null))
        return [error('the mission file is empty', 'a mission needs at least "name:" and "orchestrators:"; run "flotilla schema" for every key')];
      if (value === undefined) {
        const key = String(last);
        return [error(`missing required key "${key}"${parent}`, `add "${key}:"${description ? ` (${description})` : ''}`)];
      }
      if (value === null) return [error(`${label} is empty but must be ${expected}`, description ?? `give it a value or remove the key`)];
      const quote = issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean');
      return [
        error(
          `${label} must be ${expected}, not ${describeValue(value)}`,
          quote ? `quote it: "${String(value)}"` : description,
        ),
      ];
    }
    case 'invalid_value': {
      const choices = issue.values.map(String);
      const got = typeof value === 'string' ? closest(value, choices) : undefined;
      return [
        error(
          `${label} must be one of ${choices.join(', ')}; got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
          got ? `did you mean "${got}"?` : description,
        ),
      ];
    }
    case 'invalid_format': {
      const key = typeof last === 'string' ? last : 'value';
      const message = isDefaultMessage(issue.message) ? `it must match ${issue.format}` : issue.message;
      const isName = 'pattern' in issue && issue.pattern === String(SAFE_NAME);
      const slug = isName && typeof value === 'string' ? slugify(value) : undefined;
      return [error(`invalid ${key} ${JSON.stringify(value)}: ${message}`, slug ? `try "${slug}"` : description)];
    }
    case 'too_small':
    case 'too_big': {
      if (!isDefaultMessage(issue.message)) return [error(issue.message, description)];
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const side = issue.code === 'too_small' ? (issue.inclusive ? 'at least' : 'greater than') : issue.inclusive ? 'at most' : 'less than';
      const what =
        issue.origin === 'string' && bound <= 1 && issue.code === 'too_small'
          ? 'must not be empty'
          : issue.origin === 'array' || issue.origin === 'string'
            ? `must have ${side} ${bound} ${issue.origin === 'array' ? 'item' : 'character'}${bound === 1 ? '' : 's'}`
            : `must be ${side} ${bound}`;
      return [error(`${label} ${what}${typeof value === 'number' ? `, not ${value}` : ''}`, description)];
    }
    case 'invalid_union': {
      const custom = issue.errors.flat().find((i) => !isDefaultMessage(i.message))?.message;
      const types = [...new Set(issue.errors.flat().flatMap((i) => (i.code === 'invalid_type' ? [TYPE_NAMES[i.expected] ?? i.expected] : [])))];
      const expectation = custom ?? (types.length ? `expected ${types.join(' or ')}` : undefined);
      return [error(`${label} has an invalid value (${describeValue(value)})${expectation ? `: ${expectation}` : ''}`, description)];
    }
    default:
      return [error(`${label}: ${issue.message}`, description)];
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `FILE: ok, 4 orchestrators, 7 tasks` or `FILE: 2 errors, 1 warning`. */
export function summaryLine(
  file: string,
  result: { value?: { orchestrators: unknown[]; tasks: unknown[] }; errors: Diagnostic[]; warnings: Diagnostic[] },
): string {
  const warnings = result.warnings.length ? `, ${plural(result.warnings.length, 'warning')}` : '';
  if (result.value && result.errors.length === 0)
    return `${file}: ok, ${plural(result.value.orchestrators.length, 'orchestrator')}, ${plural(result.value.tasks.length, 'task')}${warnings}`;
  return `${file}: ${plural(result.errors.length, 'error')}${warnings}`;
}

/**
 * All issues of one failed parse. A typo'd required key ("orchestrator:") shows up
 * twice in zod, as unknown and as missing; the unknown-key error already names the
 * fix, so the "missing" one is dropped.
 */
export function schemaDiagnostics(issues: z.core.$ZodIssue[], root: z.ZodType, data: unknown, file: string, locator: Locator): Diagnostic[] {
  const typoFor = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const { schema } = schemaAt(root, issue.path as PropertyKey[]);
    const allowed = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
    for (const key of issue.keys) {
      const near = closest(key, allowed);
      if (near) typoFor.add(JSON.stringify([...issue.path, near]));
    }
  }
  const explained = (issue: z.core.$ZodIssue) =>
    issue.code === 'invalid_type' && typoFor.has(JSON.stringify(issue.path)) && valueAt(data, issue.path as PropertyKey[]) === undefined;
  return issues.filter((i) => !explained(i)).flatMap((i) => issueDiagnostics(i, root, data, file, locator)).sort(byPosition);
}
