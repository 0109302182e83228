import type { Mission } from '../mission/schema.js';
import { MAX_TITLE, SAFE_NAME } from '../mission/schema.js';
import type { TaskQueue } from '../tasks/queue.js';
import type { Task, TaskDef } from '../tasks/task.js';
import type { ControlReply, ControlRequest } from './control-protocol.js';

/** The `flotilla task …` requests, answered by the supervisor that owns the queue (so concurrent adds are serialised). */
export async function handleTaskRequest(queue: TaskQueue, req: ControlRequest, mission: Mission): Promise<ControlReply> {
  try {
    switch (req.cmd) {
      case 'task-add': {
        // A retried request (its first answer was lost): the task it added, not a second one.
        const rid = requestIdOf(req);
        const seen = rid ? queue.byRequest(rid) : undefined;
        if (seen) return { ok: true, data: { ...publicTask(seen), already: true } };
        return { ok: true, data: publicTask(queue.add(taskDef(req, queue, mission))) };
      }
      case 'task-list':
        return { ok: true, data: queue.list().map(publicTask) };
      case 'task-show':
        return { ok: true, data: detail(must(queue, req.id)) };
      case 'task-cancel':
        return { ok: true, data: publicTask(queue.cancel(must(queue, req.id).id)) };
      case 'task-retry':
        return { ok: true, data: publicTask(queue.retry(must(queue, req.id).id)) };
      default:
        return { ok: false, error: `unknown command "${req.cmd}"` };
    }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** What `task list --json` and `status --json` show of a task. */
export function publicTask(t: Task) {
  const reason = 'reason' in t && t.reason ? { reason: t.reason } : {};
  const merge = { ...('head' in t ? { head: t.head } : {}), ...('landed' in t ? { landed: t.landed } : {}), ...(t.rejections > 0 ? { rejections: t.rejections } : {}) };
  return { id: t.id, title: t.title, state: t.state, deps: t.deps, orchestrator: t.orchestrator, attempts: t.attempts, priority: t.priority, stream: t.stream?.name ?? null, role: t.role, since: new Date(t.since).toISOString(), ...reason, ...merge };
}

function detail(t: Task) {
  const extra: Record<string, unknown> = {};
  for (const key of ['summary', 'reason', 'cause', 'notBefore', 'deadline'] as const) if (key in t) extra[key] = (t as unknown as Record<string, unknown>)[key];
  return { ...publicTask(t), retries: t.retries, timeout_s: t.timeoutMs === null ? null : t.timeoutMs / 1000, body: t.body ?? null, ...extra };
}

function must(queue: TaskQueue, id: unknown): Task {
  const task = typeof id === 'string' ? queue.get(id) : undefined;
  if (!task) throw new Error(`no task "${String(id)}"; "flotilla task list" shows the ids`);
  return task;
}

function taskDef(req: ControlRequest, queue: TaskQueue, mission: Mission): TaskDef {
  const title = String(req.title ?? '').trim();
  if (!title) throw new Error('a task needs a title');
  if (title.length > MAX_TITLE) throw new Error(`the title is ${title.length} characters; the limit is ${MAX_TITLE}: put the rest in --prompt or --prompt-file`);
  if (/[\r\n]/.test(title)) throw new Error('a title is one line (it is shown in task lists and logs); put the rest in --prompt-file');
  const streamName = typeof req.stream === 'string' ? req.stream : undefined;
  const stream = streamName === undefined ? null : mission.streams.find((s) => s.name === streamName);
  if (stream === undefined) throw new Error(`unknown stream "${streamName}"; the mission's streams are: ${mission.streams.map((s) => s.name).join(', ') || 'none'}`);
  return {
    id: uniqueId(typeof req.id === 'string' && req.id ? req.id : title, queue),
    title,
    deps: Array.isArray(req.deps) ? req.deps.map(String) : [],
    priority: typeof req.priority === 'number' ? req.priority : 0,
    retries: typeof req.retries === 'number' ? req.retries : 0,
    timeoutMs: typeof req.timeout_s === 'number' ? req.timeout_s * 1000 : null,
    role: typeof req.role === 'string' ? req.role : null,
    stream: stream ? { name: stream.name, phase: stream.phase } : null,
    ...(typeof req.prompt === 'string' && req.prompt ? { body: req.prompt } : {}),
    ...(requestIdOf(req) ? { requestId: requestIdOf(req) } : {}),
  };
}

function requestIdOf(req: ControlRequest): string | undefined {
  return typeof req.request_id === 'string' && req.request_id ? req.request_id.slice(0, 100) : undefined;
}

/** A branch-safe id from the title, made unique with -2, -3, … */
function uniqueId(seed: string, queue: TaskQueue): string {
  let base = seed.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 32) || 'task';
  if (!SAFE_NAME.test(base)) base = 'task';
  let id = base;
  for (let n = 2; queue.get(id); n++) id = `${base}-${n}`;
  return id;
}
