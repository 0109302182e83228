import { print, printJson } from '../../core/output.js';
import { formatDiagnostic, summaryLine } from '../../mission/diagnostics.js';
import { loadMission } from '../../mission/load.js';

/** `flotilla validate [FILE] [--json]`: exit 0 when valid, 2 with errors. */
export async function run(file: string, options: { json?: boolean }): Promise<number> {
  const result = await loadMission(file);
  const ok = result.errors.length === 0;
  if (options.json) {
    printJson({ file, ok, errors: result.errors, warnings: result.warnings });
  } else {
    for (const d of [...result.errors, ...result.warnings]) print(formatDiagnostic(d));
    print(summaryLine(file, result));
  }
  return ok ? 0 : 2;
}
