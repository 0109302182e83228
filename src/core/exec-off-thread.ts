import { Worker } from 'node:worker_threads';

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ExecRequest {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/**
 * Node starts a child process synchronously: the calling thread waits until
 * the child has exec'd, which on a busy machine means until the scheduler gets
 * to it (5 ms idle here, 100+ ms at load 10, measured in the supervisor during
 * `bench dispatch`). On the supervisor's thread that stalls everything else it
 * does: signals, heartbeats, deliveries to other panes. This runs the start in
 * a worker thread instead; only its wait is blocked.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { execFile } = require('node:child_process');
parentPort.on('message', ({ id, file, args, cwd, env }) => {
  const child = execFile(file, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
    const code = err && err.code;
    if (err && typeof code === 'string') parentPort.postMessage({ id, spawnError: { code, message: err.message } });
    else parentPort.postMessage({ id, stdout, stderr, exitCode: err ? (typeof code === 'number' ? code : 1) : 0 });
  });
  child.stdin && child.stdin.end();
});
`;

type Reply = { id: number } & (ExecResult | { spawnError: { code: string; message: string } });

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true });
  w.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    if (pending.size === 0) w.unref(); // idle: never what keeps the process alive
    p?.resolve(reply);
  });
  const fail = (err: Error) => {
    if (worker === w) worker = undefined;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`exec worker exited (${code})`)));
  worker = w;
  return w;
}

/** Run a program to completion, started off this thread. A failure to start at all is `spawnError` (ENOENT, ...). */
export function execOffThread(req: ExecRequest): Promise<ExecResult | { spawnError: NodeJS.ErrnoException }> {
  const w = theWorker();
  const id = nextId++;
  w.ref();
  return new Promise<Reply>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ id, ...req });
  }).then((reply) => {
    if ('spawnError' in reply) return { spawnError: Object.assign(new Error(reply.spawnError.message), { code: reply.spawnError.code }) };
    return { stdout: reply.stdout, stderr: reply.stderr, exitCode: reply.exitCode };
  });
}
