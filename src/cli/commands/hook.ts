import { FlotillaError } from '../../core/errors.js';
import { paneIdentity } from '../../core/agent-env.js';
import { printWarning } from '../../core/output.js';
import { readFile } from 'node:fs/promises';
import { writeHeartbeat, type Heartbeat } from '../../signals/heartbeat.js';
import { CLAUDE_HOOK_EVENTS, isClaudeHookEvent, readHookEvent } from '../../agents/hook-events.js';

/**
 * Agent side: Claude Code runs `flotilla hook <EVENT>` on every hook event, so
 * this reads stdin, writes one heartbeat and nothing more. It never prints to
 * stdout (Claude reads a hook's stdout) and never fails the user's session:
 * outside a Flotilla pane, or when the heartbeat cannot be written, it exits 0.
 * Exit 2 is only for a misspelt EVENT, which is a broken installation.
 */
export async function run(event: string, _opts: object = {}): Promise<number> {
  if (!isClaudeHookEvent(event)) {
    throw new FlotillaError({ reason: 'usage', message: `unknown hook event "${event}"; expected one of ${CLAUDE_HOOK_EVENTS.join(', ')}` });
  }
  const id = paneIdentity();
  const text = await readStdin(STDIN_TIMEOUT_MS);
  if (!id) return 0;
  let input: unknown = {};
  try {
    input = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    // A payload we cannot parse still proves the agent is alive and says which event fired.
  }
  const reading = readHookEvent(event, input);
  // An event with no claim about the state (an unknown notification type) must not overwrite the last known one.
  if (reading.state === undefined) return 0;
  try {
    const lastPromptAt = event === 'UserPromptSubmit' ? Date.now() : await previousPromptAt(id.heartbeatFile);
    await writeHeartbeat(id.heartbeatFile, {
      source: event,
      lastPromptAt,
      state: reading.state,
      sessionId: reading.sessionId,
      transcriptPath: reading.transcriptPath,
      ...(reading.message ? { note: reading.message } : {}),
    });
  } catch (err) {
    printWarning(`flotilla hook ${event}: cannot write the heartbeat ${id.heartbeatFile}: ${(err as Error).message}`);
  }
  return 0;
}

/**
 * Claude pipes the event's JSON and closes stdin at once. Run by hand, stdin
 * is a terminal or a pipe nobody writes to: give up after a moment rather
 * than hang.
 */
const STDIN_TIMEOUT_MS = 1000;

function readStdin(timeoutMs: number): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      stdin.off('data', onData).off('end', finish).off('error', finish);
      // Let the process exit even if the writer keeps the pipe open.
      stdin.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const timer = setTimeout(finish, timeoutMs);
    stdin.on('data', onData).once('end', finish).once('error', finish);
  });
}

async function previousPromptAt(file: string): Promise<number | undefined> {
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as Heartbeat).lastPromptAt;
  } catch {
    return undefined;
  }
}
