import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pendingSignals } from '../../src/signals/inbox.js';
import { shimScript } from '../../src/supervisor/path-shim.js';
import { canMount, mountTinyDisk } from '../helpers/tiny-disk.js';

/** The pane's `flotilla` launcher writes done and fail itself, exactly as the agent gave them; the rest goes to node. */
let dir: string;
let shim: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-shim-'));
  await mkdir(join(dir, 'inbox'));
  await mkdir(join(dir, 'current'));
  await writeFile(join(dir, 'current', 'o1.json'), `${JSON.stringify({ task: 't7', branch: 'flotilla/m/t7', since: 1 }, null, 2)}\n`);
  shim = join(dir, 'flotilla');
  // The "installation" is echo: what reaches it shows what the launcher did not handle itself.
  await writeFile(shim, shimScript(dir, ['/bin/echo', 'node-got']), { mode: 0o755 });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(args: string[], env: NodeJS.ProcessEnv = { FLOTILLA_ORCHESTRATOR: 'o1' }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile('/bin/sh', [shim, ...args], { env: { PATH: process.env.PATH, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

const HOSTILE = 'done: "quoted" $(touch x) `id` %s %n \\ back\nsecond line\ttab\n';

describe('the pane launcher', () => {
  it('writes done with its summary verbatim, for the task the orchestrator holds, without node', async () => {
    const r = await run(['done', '--summary', HOSTILE]);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    const signals = await pendingSignals(dir);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.signal).toMatchObject({ kind: 'done', orchestrator: 'o1', task: 't7', summary: HOSTILE });
    expect(signals[0]!.file.endsWith('.sig')).toBe(true);
  });

  it('writes fail with its reason, and a done without a summary', async () => {
    expect((await run(['fail', '--reason', 'the spec is ambiguous'])).code).toBe(0);
    expect((await run(['done'])).code).toBe(0);
    const signals = (await pendingSignals(dir)).map((s) => s.signal);
    expect(signals).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'fail', reason: 'the spec is ambiguous', task: 't7' }), expect.objectContaining({ kind: 'done', summary: '' })]));
    expect(signals).toHaveLength(2);
  });

  it('leaves every other form, and a shell outside a pane, to the installation', async () => {
    for (const args of [['done', '--summary=x'], ['done', '--summary', 'x', '--socket', 's'], ['fail'], ['status', '--json'], ['note', 'hello']]) {
      const r = await run(args);
      expect(r.stdout.trim(), args.join(' ')).toBe(`node-got ${args.join(' ')}`);
    }
    expect((await run(['done', '--summary', 'x'], {})).stdout.trim()).toBe('node-got done --summary x');
    expect(await readdir(join(dir, 'inbox'))).toEqual([]);
  });

  it.runIf(canMount)('on a full disk exits 1, says nothing was sent, and leaves no part file', async () => {
    const disk = mountTinyDisk(64);
    try {
      const inbox = join(disk.dir, 'inbox');
      await mkdir(inbox);
      await writeFile(shim, shimScript(disk.dir, ['/bin/echo', 'node-got']), { mode: 0o755 });
      disk.fill();
      const r = await run(['done', '--summary', 'x'.repeat(8000)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("'flotilla done' was not recorded");
      expect(await readdir(inbox)).toEqual([]);
    } finally {
      disk.free();
      disk.unmount();
    }
  });
});
