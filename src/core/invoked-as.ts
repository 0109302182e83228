import { realpathSync, statSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';

/**
 * How the user runs this Flotilla, for the hints it prints: `flotilla` when
 * that word on PATH is this installation, else the path they typed it by
 * (`./bin/flotilla` from a clone).
 */
export function invokedAs(script: string | undefined = process.argv[1], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (!script) return 'flotilla';
  const self = real(script);
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'flotilla');
    if (real(candidate) === self) return 'flotilla';
  }
  const rel = relative(cwd, script);
  return rel.startsWith('..') || rel === '' ? script : `./${rel}`;
}

function real(file: string): string | undefined {
  try {
    return statSync(file).isFile() ? realpathSync(file) : undefined;
  } catch {
    return undefined;
  }
}
