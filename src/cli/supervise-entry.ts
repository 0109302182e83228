import { flotillaArgv } from '../core/package-root.js';
import { handleError } from './handle-error.js';
import { run } from './commands/supervise.js';

/**
 * The detached supervisor's own entry, started by `up` (daemon.ts) as
 * `node dist/cli/supervise-entry.js MISSION_FILE [--socket NAME]`. Bundled by
 * `npm run build` with everything it imports into one file (rolldown.config.mjs):
 * loading the supervisor's hundred-odd modules one by one took ~200 ms of
 * every bring-up. `flotilla supervise` (commander) runs the same code.
 */
const [missionFile, flag, value] = process.argv.slice(2);
// The hints the supervisor prints (the end of a run: "… down NAME") name bin/flotilla, as a person types it (invoked-as.ts).
process.argv[1] = flotillaArgv()[1]!;
if (!missionFile || (flag !== undefined && (flag !== '--socket' || !value))) {
  process.stderr.write('usage: supervise-entry.js MISSION_FILE [--socket NAME]\n');
  process.exitCode = 2;
} else {
  run(missionFile, { socket: value }).then(
    (code) => (process.exitCode = code),
    (err: unknown) => (process.exitCode = handleError(err)),
  );
}
