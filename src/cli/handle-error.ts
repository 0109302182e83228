import { FlotillaError, InternalError, ReportedError, exitCodeFor } from '../core/errors.js';
import { printError } from '../core/output.js';

/** Map anything thrown by a command to an exit code, printing it once. (Commander's own errors are main.ts's.) */
export function handleError(err: unknown): number {
  if (err instanceof ReportedError) return err.exitCode;
  if (err instanceof FlotillaError) {
    printError(err.message);
    return exitCodeFor(err.failure);
  }
  const detail = err instanceof InternalError || err instanceof Error ? (err.stack ?? err.message) : String(err);
  printError(`internal error (a bug in Flotilla, please report it):\n${detail}`);
  return 1;
}
