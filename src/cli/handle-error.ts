import { CommanderError } from 'commander';
import { FlotillaError, InternalError, ReportedError, exitCodeFor } from '../core/errors.js';
import { printError } from '../core/output.js';

/** Map anything thrown by a command to an exit code, printing it once. */
export function handleError(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2; // commander already printed the message
  }
  if (err instanceof ReportedError) return err.exitCode;
  if (err instanceof FlotillaError) {
    printError(err.message);
    return exitCodeFor(err.failure);
  }
  const detail = err instanceof InternalError || err instanceof Error ? (err.stack ?? err.message) : String(err);
  printError(`internal error (a bug in Flotilla, please report it):\n${detail}`);
  return 1;
}
