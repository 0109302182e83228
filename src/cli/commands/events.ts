import { createReadStream, existsSync, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { FlotillaError } from '../../core/errors.js';
import { print } from '../../core/output.js';
import { missionPaths } from '../../core/paths.js';
import { resolveMission } from '../resolve-mission.js';

interface EventLine {
  event?: string;
  question?: string;
  pane?: string;
  ts: number;
  task: string;
  orchestrator: string | null;
  from: string | null;
  to: string;
  attempt: number;
  reason?: string;
  summary?: string;
  head?: string;
  candidate?: string;
  tree?: string;
  landed?: string | null;
}

/** The task event log, one line per transition; --follow keeps printing new ones. */
export async function run(mission: string | undefined, opts: { socket?: string; json?: boolean; follow?: boolean }): Promise<number> {
  const ref = await resolveMission(mission, opts);
  const file = missionPaths(ref.home, ref.name, ref.socket).events;
  if (!existsSync(file)) throw new FlotillaError({ reason: 'not-running', mission: ref.name });
  let offset = await printFrom(file, 0, Boolean(opts.json));
  if (!opts.follow) return 0;
  await new Promise<void>(() => {
    watch(file, () => {
      void printFrom(file, offset, Boolean(opts.json)).then((next) => (offset = next));
    });
  });
  return 0;
}

async function printFrom(file: string, from: number, json: boolean): Promise<number> {
  const size = (await stat(file)).size;
  if (size <= from) return from;
  const lines = createInterface({ input: createReadStream(file, { start: from, end: size - 1 }) });
  let consumed = from;
  for await (const line of lines) {
    consumed += Buffer.byteLength(line) + 1;
    if (!line.trim()) continue;
    let e: EventLine;
    try {
      e = JSON.parse(line) as EventLine;
    } catch {
      continue; // a line still being written; it is read whole next time
    }
    if (e.event === 'attention') {
      if (json) print(JSON.stringify({ ts: new Date(e.ts).toISOString(), event: 'attention', task: e.task, orchestrator: e.orchestrator, from: e.from, to: e.to, ...(e.question ? { question: e.question } : {}), ...(e.pane ? { pane: e.pane } : {}) }));
      else print(`${new Date(e.ts).toISOString().slice(11, 23)}  ${(e.orchestrator ?? '-').padEnd(12)} ${e.task.padEnd(24)} ${e.from} -> ${e.to}${e.question ? `  "${e.question}"` : ''}${e.pane ? `  (pane ${e.pane})` : ''}`);
      continue;
    }
    if (json) print(JSON.stringify({ ts: new Date(e.ts).toISOString(), task: e.task, orchestrator: e.orchestrator, from: e.from, to: e.to, attempt: e.attempt, ...(e.reason ? { reason: e.reason } : {}), ...(e.summary ? { summary: e.summary } : {}), ...mergeFields(e) }));
    else print(`${new Date(e.ts).toISOString().slice(11, 23)}  ${(e.orchestrator ?? '-').padEnd(12)} ${e.task.padEnd(24)} ${e.from ?? 'new'} -> ${e.to}${e.reason ? `  (${e.reason})` : ''}${e.summary ? `  ${e.summary}` : ''}`);
  }
  return Math.min(consumed, size);
}

/** What a merge transition adds: the commit taken, the candidate tested, the commit landed. */
function mergeFields(e: EventLine): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['head', 'candidate', 'tree', 'landed'] as const) if (e[key] !== undefined) out[key] = e[key];
  return out;
}
