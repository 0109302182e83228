import { readFile } from 'node:fs/promises';
import { paneIdentity } from '../core/agent-env.js';
import { FlotillaError } from '../core/errors.js';
import { missionPaths } from '../core/paths.js';
import { writeFailure } from '../core/write-errors.js';
import { currentTaskFile, sendSignal, type Signal } from '../signals/inbox.js';

type Body = { kind: 'done'; summary: string } | { kind: 'fail'; reason: string } | { kind: 'note'; text: string };

/**
 * done / fail / note from inside a pane: find this pane's orchestrator and
 * current task from its environment and drop the signal in the mission's
 * inbox. Nothing waits on the supervisor, so it answers at once and is not
 * lost if the supervisor is restarting.
 */
export async function signal(command: string, body: Body): Promise<number> {
  const id = paneIdentity();
  if (!id) throw new FlotillaError({ reason: 'not-in-pane', command });
  const dir = missionPaths(id.home, id.mission, id.tmuxSocket).dir;
  let task: string | null = null;
  try {
    task = (JSON.parse(await readFile(currentTaskFile(dir, id.orchestrator), 'utf8')) as { task: string }).task;
  } catch {
    // no task recorded: the supervisor checks the signal against what it assigned
  }
  try {
    await sendSignal(dir, { ...body, orchestrator: id.orchestrator, task, ts: Date.now() } as Signal);
  } catch (err) {
    // Exit non-zero, so the agent (or its hook) sees that the report did not go and sends it again.
    // writeTextAtomic names the signal file it could not write.
    const why = writeFailure(err);
    if (why) throw new FlotillaError({ reason: 'signal-not-written', command, detail: why });
    throw err;
  }
  return 0;
}
