import type { Server } from 'node:net';
import { chmod, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensurePrivateDir } from '../core/private-dir.js';

/**
 * The supervisor's Unix control socket (mode 0600): one JSON request per
 * line, one JSON reply per line. Agents' `flotilla` commands and the CLI both
 * speak it.
 */
export type ControlRequest = { cmd: string; [key: string]: unknown };
/** `unwritten`: the request was carried out, but the supervisor cannot write it to disk yet (a full disk). */
export type ControlReply = { ok: true; data?: unknown } | { ok: false; error: string; unwritten?: boolean };

// node:net is loaded on first use: `flotilla status` needs it, but loading it costs the agent-side
// commands bundled with status (src/cli/entry.ts) ~10 ms of start-up, and they never use it.

export async function serveControl(path: string, handle: (req: ControlRequest) => Promise<ControlReply>): Promise<Server> {
  const { createServer } = await import('node:net');
  await rm(path, { force: true });
  const server = createServer((conn) => {
    let buf = '';
    conn.setEncoding('utf8');
    conn.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        void reply(line).then((r) => conn.write(`${JSON.stringify(r)}\n`));
      }
    });
    conn.on('error', () => conn.destroy());
  });
  const reply = async (line: string): Promise<ControlReply> => {
    try {
      return await handle(JSON.parse(line) as ControlRequest);
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  };
  await ensurePrivateDir(dirname(path));
  const oldMask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(oldMask);
  }
  await chmod(path, 0o600);
  return server;
}

/** A request that got no reply; `sent` says whether it reached the socket (then the supervisor may have acted on it). */
export class ControlError extends Error {
  constructor(message: string, readonly sent: boolean) {
    super(message);
    this.name = 'ControlError';
  }
}

/** One request, one reply. Rejects with a ControlError when nothing listens or no reply comes within `timeoutMs`. */
export async function requestControl(path: string, req: ControlRequest, timeoutMs = 5000): Promise<ControlReply> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve, reject) => {
    const conn = createConnection(path);
    let buf = '';
    let sent = false;
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new ControlError(`no reply from ${path} within ${timeoutMs} ms`, sent));
    }, timeoutMs);
    conn.setEncoding('utf8');
    conn.on('connect', () => {
      sent = true;
      conn.write(`${JSON.stringify(req)}\n`);
    });
    conn.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      conn.end();
      try {
        resolve(JSON.parse(buf.slice(0, nl)) as ControlReply);
      } catch (err) {
        reject(err);
      }
    });
    conn.on('error', (err) => {
      clearTimeout(timer);
      reject(new ControlError(err.message, sent));
    });
    // The supervisor went away after reading the request (a no-op once settled).
    conn.on('close', () => {
      clearTimeout(timer);
      reject(new ControlError('the connection closed without a reply', sent));
    });
  });
}
