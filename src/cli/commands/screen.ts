import { readFile } from 'node:fs/promises';
import { FlotillaError } from '../../core/errors.js';
import { print, printJson } from '../../core/output.js';
import { AGENT_KINDS } from '../../mission/schema.js';
import { classifyScreen, type AgentKind } from '../../agents/screen-classifier.js';

/**
 * `flotilla screen [--agent KIND] [FILE|-] [--json]`: what the screen
 * classifier reads in a saved screen (`tmux capture-pane -p > screen.txt`),
 * with the rule and the line that decided it. For debugging patterns.
 */
export async function run(file: string | undefined, opts: { agent?: string; json?: boolean }): Promise<number> {
  const kind = (opts.agent ?? 'claude') as AgentKind;
  if (!(AGENT_KINDS as readonly string[]).includes(kind)) {
    throw new FlotillaError({ reason: 'usage', message: `--agent must be one of ${AGENT_KINDS.join(', ')}, not "${kind}"` });
  }
  const text = await readScreen(file ?? '-');
  const reading = classifyScreen(kind, text);
  const out = { state: reading.state ?? 'unknown', rule: reading.rule ?? null, line: reading.line ?? null };
  if (opts.json) {
    printJson({ ...out, ...(reading.contextPercent !== undefined ? { context_percent: reading.contextPercent } : {}), ...(reading.limitResetsAt ? { resets: reading.limitResetsAt } : {}) });
    return 0;
  }
  print(out.rule ? `${out.state}  (rule ${kind}/${out.rule}: ${JSON.stringify(out.line)})` : `${out.state}  (no ${kind} rule matched)`);
  if (reading.contextPercent !== undefined) print(`context used: ${reading.contextPercent}%`);
  if (reading.limitResetsAt) print(`limit resets: ${reading.limitResetsAt}`);
  return 0;
}

async function readScreen(file: string): Promise<string> {
  if (file !== '-') {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      throw new FlotillaError({ reason: 'usage', message: `cannot read screen file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
