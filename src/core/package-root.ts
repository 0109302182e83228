import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The installed package's root (holds layouts/, roles/, missions/), from dist/core or src/core alike. */
export const packageRoot: string = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** argv that runs this same Flotilla: node + bin/flotilla. Panes and hooks use it. */
export function flotillaArgv(): string[] {
  return [process.execPath, join(packageRoot, 'bin', 'flotilla')];
}
