import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { FlotillaError } from '../../core/errors.js';
import { print, printJson } from '../../core/output.js';
import { askAtMostOnce, askSupervisor } from '../supervisor-request.js';

interface TaskRow {
  id: string;
  title: string;
  state: string;
  deps: string[];
  orchestrator: string | null;
  attempts: number;
}

export interface TaskOptions {
  mission?: string;
  socket?: string;
  json?: boolean;
  promptFile?: string;
  deps?: string;
  role?: string;
  priority?: number;
  stream?: string;
  retries?: number;
  timeout?: number;
  requestId?: string;
}

/** flotilla task add|list|show|cancel|retry */
export async function run(verb: string, args: string[], opts: TaskOptions): Promise<number> {
  const ask = (req: Record<string, unknown> & { cmd: string }) => askSupervisor(opts.mission, opts, req);
  switch (verb) {
    case 'add': {
      const title = args.join(' ').trim();
      if (!title) throw new FlotillaError({ reason: 'usage', message: 'usage: flotilla task add TITLE [--prompt-file F] [--deps a,b] [--role R] [--priority N] [--stream S]' });
      const prompt = opts.promptFile ? await readPrompt(opts.promptFile) : undefined;
      const deps = opts.deps ? opts.deps.split(',').map((d) => d.trim()).filter(Boolean) : [];
      // The supervisor remembers the id: a retry (ours, or the caller's with --request-id) never adds it twice.
      const request_id = opts.requestId ?? randomUUID();
      const req = { cmd: 'task-add', request_id, title, prompt, deps, role: opts.role, priority: opts.priority, stream: opts.stream, retries: opts.retries, timeout_s: opts.timeout };
      const task = (await askAtMostOnce(opts.mission, opts, req)) as TaskRow & { already?: boolean };
      if (opts.json) printJson(task);
      else print(`${task.already ? 'already added' : 'added'} ${task.id} (${task.state})`);
      if (task.already && task.title !== title) print(`note: request id ${request_id} belongs to a task titled "${task.title}", not "${title}"; nothing new was added`);
      return 0;
    }
    case 'list': {
      const tasks = (await ask({ cmd: 'task-list' })) as TaskRow[];
      if (opts.json) printJson(tasks);
      else for (const t of tasks) print(`${t.id.padEnd(24)} ${t.state.padEnd(10)} ${(t.orchestrator ?? '-').padEnd(12)} ${t.title}`);
      return 0;
    }
    case 'show':
    case 'cancel':
    case 'retry': {
      if (!args[0]) throw new FlotillaError({ reason: 'usage', message: `usage: flotilla task ${verb} ID` });
      const task = await ask({ cmd: `task-${verb}`, id: args[0] });
      if (opts.json || verb === 'show') printJson(task);
      else print(`${(task as TaskRow).id}: ${(task as TaskRow).state}`);
      return 0;
    }
    default:
      throw new FlotillaError({ reason: 'usage', message: `unknown task command "${verb}": use add, list, show, cancel or retry` });
  }
}

async function readPrompt(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new FlotillaError({ reason: 'usage', message: `prompt file ${file} cannot be read; check the path` });
  }
}
