import { invokedAs } from '../../core/invoked-as.js';
import { print, printJson } from '../../core/output.js';
import { formatDiagnostic, summaryLine } from '../../mission/diagnostics.js';
import { loadMission } from '../../mission/load.js';
import type { CheckResult } from '../../preflight/preflight.js';

/**
 * `flotilla validate [FILE] [--json] [--schema-only]`: the file's errors and
 * warnings, then (for a valid file, unless --schema-only) the preflight
 * problems `up` would refuse with. Exit 0 when both are clean, else 2.
 */
export async function run(file: string, options: { json?: boolean; schemaOnly?: boolean; socket?: string }): Promise<number> {
  const result = await loadMission(file);
  let checks: CheckResult[] | undefined;
  if (result.value && !options.schemaOnly) {
    const { runPreflight } = await import('../../preflight/preflight.js');
    checks = await runPreflight(result.value, { invokedAs: invokedAs(), socket: options.socket });
  }
  const failed = checks?.filter((c) => !c.ok) ?? [];
  const ok = result.errors.length === 0 && failed.length === 0;
  if (options.json) {
    printJson({ file, ok, errors: result.errors, warnings: result.warnings, preflight: checks ?? null });
    return ok ? 0 : 2;
  }
  for (const d of [...result.errors, ...result.warnings]) print(formatDiagnostic(d));
  print(summaryLine(file, result));
  if (checks) {
    for (const c of failed) print(`preflight: problem: ${c.message}${c.fix ? `\n  fix: ${c.fix}` : ''}`);
    print(failed.length === 0 ? `preflight: ok, ${checks.length} checks` : `preflight: ${failed.length} of ${checks.length} checks found a problem; up would refuse to start`);
  } else if (!options.schemaOnly) {
    print('preflight: not run (fix the errors above first)');
  }
  return ok ? 0 : 2;
}
