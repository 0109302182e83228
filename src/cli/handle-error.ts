import { FlotillaError, InternalError, ReportedError, exitCodeFor } from '../core/errors.js';
import { printError } from '../core/output.js';
import { writeFailure } from '../core/write-errors.js';

/** Map anything thrown by a command to an exit code, printing it once. (Commander's own errors are main.ts's.) */
export function handleError(err: unknown): number {
  if (err instanceof ReportedError) return err.exitCode;
  if (err instanceof FlotillaError) {
    printError(err.message);
    return exitCodeFor(err.failure);
  }
  // A full disk or a read-only home is the machine's state, not a bug: say what could not be written.
  const write = writeFailure(err);
  if (write) {
    printError(`${write}. Free some space (or fix the permissions) and run the command again.`);
    return 1;
  }
  const detail = err instanceof InternalError || err instanceof Error ? (err.stack ?? err.message) : String(err);
  printError(`internal error (a bug in Flotilla, please report it):\n${detail}`);
  return 1;
}
