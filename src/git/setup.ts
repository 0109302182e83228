import { constants as osConstants } from 'node:os';
import { cp, lstat, mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { naming } from '../core/write-errors.js';

export interface SetupOptions {
  /** The user's main checkout; `copy` paths are relative to it. */
  repo: string;
  worktree: string;
  /** Files or directories to copy when present in the main checkout and absent from the worktree (.env, say). */
  copy: string[];
  /** The mission's own shell commands, run in the worktree in order. */
  run: string[];
  logFile: string;
  /** Extra environment for the commands. */
  env?: Record<string, string>;
  /** Applied to every line of output before it is logged (the supervisor's secret redaction). */
  redact?: (text: string) => string;
}

export interface SetupResult {
  ok: boolean;
  failed?: { step: string; exitCode: number };
}

const stamp = (): string => new Date().toISOString();

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, () => false);
}

/** A `setup.copy` path that is absolute or climbs out of the checkout. */
export function leavesCheckout(rel: string): boolean {
  const n = normalize(rel);
  return isAbsolute(rel) || n === '..' || n.startsWith(`..${sep}`);
}

/** Returns 0 on success (including a skipped copy), otherwise a failing exit code. */
async function copyStep(log: FileHandle, opts: SetupOptions, rel: string): Promise<number> {
  await log.write(`[${stamp()}] copy ${rel}\n`);
  if (leavesCheckout(rel)) {
    await log.write(`[${stamp()}] failed: ${rel} is not a path inside the checkout\n`);
    return 1;
  }
  const from = join(opts.repo, rel);
  const to = join(opts.worktree, rel);
  if (!(await exists(from))) {
    await log.write(`[${stamp()}] skipped: ${rel} does not exist in ${opts.repo}\n`);
    return 0;
  }
  if (await exists(to)) {
    await log.write(`[${stamp()}] skipped: ${rel} is already in the worktree\n`);
    return 0;
  }
  try {
    await mkdir(dirname(to), { recursive: true });
    await cp(from, to, { recursive: true, force: false, errorOnExist: false, preserveTimestamps: true });
  } catch (err) {
    await log.write(`[${stamp()}] failed: ${(err as Error).message}\n`);
    return 1;
  }
  await log.write(`[${stamp()}] copied\n`);
  return 0;
}

async function runStep(log: FileHandle, opts: SetupOptions, command: string): Promise<number> {
  await log.write(`[${stamp()}] $ ${command}\n`);
  const started = Date.now();
  // Loaded only when a mission has setup commands: most supervisor starts never pay for it.
  const { execa } = await import('execa');
  // stdin is closed so a command that prompts fails instead of waiting forever. Output comes
  // through here, a line at a time, so a token a step prints is redacted before it is logged.
  const child = execa('sh', ['-c', command], { cwd: opts.worktree, env: opts.env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false });
  let writing = Promise.resolve();
  const write = (text: string) => (writing = writing.then(() => log.write(opts.redact ? opts.redact(text) : text).then(() => undefined)));
  const pump = (stream: NodeJS.ReadableStream | null) =>
    new Promise<void>((done) => {
      if (!stream) return done();
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        rest += chunk;
        const end = rest.length > 65_536 ? rest.length : rest.lastIndexOf('\n') + 1;
        if (end > 0) {
          write(rest.slice(0, end));
          rest = rest.slice(end);
        }
      });
      stream.on('end', () => {
        if (rest) write(rest);
        done();
      });
    });
  const [result] = await Promise.all([child, pump(child.stdout), pump(child.stderr)]);
  await writing;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let exitCode = result.exitCode;
  let how = `exit ${exitCode}`;
  if (exitCode === undefined && result.signal) {
    exitCode = 128 + (osConstants.signals[result.signal] ?? 0);
    how = `killed by ${result.signal}`;
  } else if (exitCode === undefined) {
    exitCode = 127;
    how = `could not start: ${result.shortMessage ?? String(result.cause)}`;
  }
  await log.write(`[${stamp()}] ${how} (${seconds}s)\n`);
  return exitCode;
}

/**
 * Prepare a fresh worktree: copy untracked files the agent needs, then run the
 * mission's setup commands. Stops at the first failing step; everything goes to `logFile`.
 */
export async function runSetup(opts: SetupOptions): Promise<SetupResult> {
  await mkdir(dirname(opts.logFile), { recursive: true, mode: 0o700 });
  const log = await open(opts.logFile, 'a', 0o600);
  try {
    for (const rel of opts.copy) {
      const exitCode = await copyStep(log, opts, rel);
      if (exitCode !== 0) return { ok: false, failed: { step: `copy ${rel}`, exitCode } };
    }
    for (const command of opts.run) {
      const exitCode = await runStep(log, opts, command);
      if (exitCode !== 0) return { ok: false, failed: { step: command, exitCode } };
    }
    await log.write(`[${stamp()}] setup complete\n`);
    return { ok: true };
  } catch (err) {
    throw naming(err, opts.logFile);
  } finally {
    await log.close().catch(() => undefined);
  }
}
