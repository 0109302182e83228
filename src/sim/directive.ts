import { isAbsolute, normalize } from 'node:path';
import type { z } from 'zod';
import { SIM_FAILURES, SimDirectiveSchema } from '../mission/schema.js';

/**
 * The sim agent's script comes from the prompt itself: a line
 * `sim: {"duration_ms": 300, "fail": "crash", "file": "notes/a.txt"}`
 * (SimDirectiveSchema), so whoever delivers the task controls how the agent
 * behaves without any side channel. Every other line is just prompt text.
 */
export type SimScript = z.output<typeof SimDirectiveSchema>;
export type SimFailure = (typeof SIM_FAILURES)[number];

export interface Directive {
  script: SimScript;
  /** Why a `sim:` line was ignored (bad JSON or not a SimScript). */
  error?: string;
}

const DIRECTIVE_LINE = /^\s*sim:\s*(\{.*\})\s*$/;

export const DEFAULT_DURATION_MS = 2000;

/** The last `sim: {json}` line wins, so a script appended by the supervisor overrides one in the task text. */
export function parseDirective(prompt: string): Directive {
  const json = prompt
    .split(/\r\n|\r|\n/)
    .map((line) => DIRECTIVE_LINE.exec(line)?.[1])
    .filter((m): m is string => m !== undefined)
    .pop();
  if (json === undefined) return { script: {} };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return { script: {}, error: `sim directive is not JSON: ${(err as Error).message}` };
  }
  const parsed = SimDirectiveSchema.safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'directive'}: ${i.message}`).join('; ');
    return { script: {}, error: `sim directive ignored: ${detail}` };
  }
  return { script: parsed.data };
}

/** The prompt's first meaningful line: not blank, not a directive, control characters removed. */
export function promptSubject(prompt: string): string {
  for (const line of prompt.split(/\r\n|\r|\n/)) {
    if (DIRECTIVE_LINE.test(line)) continue;
    const clean = stripControls(line).trim();
    if (clean) return clean;
  }
  return 'sim task';
}

export function stripControls(text: string): string {
  return text.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '').replace(/[\x00-\x1f\x7f-\x9f]/g, '');
}

/** What one task will do, after the directive, the environment and the defaults are combined. */
export interface SimPlan {
  durationMs: number;
  fail: SimFailure | undefined;
  /** Relative to the worktree. */
  file: string;
  subject: string;
  /** The merge queue turned the task down: bring the branch up to this base and fix it. */
  fix: string | undefined;
}

export interface PlanResult {
  plan: SimPlan;
  warnings: string[];
}

export function planTask(prompt: string, env: NodeJS.ProcessEnv, orchestrator: string): PlanResult {
  const warnings: string[] = [];
  const { script, error } = parseDirective(prompt);
  if (error) warnings.push(error);
  const speed = envSpeed(env, warnings);
  const fix = script.fix;
  // A fix is the second attempt: the failure it was told to make is behind it.
  const fail = fix ? undefined : (script.fail ?? envFailure(env, warnings));
  const fallback = (script.fail ?? fail) === 'conflict' ? 'sim/conflict.txt' : `sim/${fileSafe(orchestrator)}.txt`;
  let file = fallback;
  if (script.file !== undefined) {
    const safe = safeRelativePath(script.file);
    if (safe) file = safe;
    else warnings.push(`sim directive file "${script.file}" is outside the worktree; editing ${fallback} instead`);
  }
  const durationMs = Math.round((script.duration_ms ?? DEFAULT_DURATION_MS) * speed);
  return { plan: { durationMs, fail, file, subject: promptSubject(prompt), fix }, warnings };
}

function envSpeed(env: NodeJS.ProcessEnv, warnings: string[]): number {
  const raw = env.FLOTILLA_SIM_SPEED;
  if (raw === undefined || raw === '') return 1;
  const speed = Number(raw);
  if (Number.isFinite(speed) && speed >= 0) return speed;
  warnings.push(`FLOTILLA_SIM_SPEED="${raw}" is not a non-negative number; using 1`);
  return 1;
}

function envFailure(env: NodeJS.ProcessEnv, warnings: string[]): SimFailure | undefined {
  const raw = env.FLOTILLA_SIM_FAIL;
  if (raw === undefined || raw === '') return undefined;
  if ((SIM_FAILURES as readonly string[]).includes(raw)) return raw as SimFailure;
  warnings.push(`FLOTILLA_SIM_FAIL="${raw}" is not one of ${SIM_FAILURES.join(', ')}; ignoring it`);
  return undefined;
}

export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_') || 'sim';
}

/** A worktree-relative path, or undefined when it would escape the worktree or touch .git. */
export function safeRelativePath(file: string): string | undefined {
  if (isAbsolute(file) || file.includes('\0')) return undefined;
  const norm = normalize(file).replace(/\\/g, '/');
  const first = norm.split('/')[0];
  if (norm === '.' || norm.endsWith('/') || first === '..' || first === '.git') return undefined;
  return norm;
}
