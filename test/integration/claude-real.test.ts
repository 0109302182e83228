import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blocks, startFakeAnthropic, textOf, type FakeAnthropic, type MessagesRequest, type ScriptedReply } from '../helpers/fake-anthropic.js';
import { git } from '../helpers/git-repo.js';
import { makeFleetEnv, retryUntil, type FleetEnv } from '../helpers/fleet-env.js';

/**
 * The real Claude Code CLI (the pinned dev dependency) in a Flotilla pane,
 * offline: a local server plays the model. It answers the delivered task with
 * one Bash call to `flotilla done`, then "Done.". The hooks Flotilla installs
 * must carry the pane through idle -> working -> idle, and the task must end done.
 */
const CLAUDE = resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'claude');
const API_KEY = 'sk-ant-api03-flotilla-offline-test-key-0123456789abcdefABCDEF';
const TASK_TEXT = 'Task claude-hello: Say hello';
const TOOL_ID = 'toolu_flotilla_done_1';
const SUMMARY = 'hello from claude';

/** The model's side of the conversation, decided from each request. */
function script(req: MessagesRequest): ScriptedReply {
  const messages = req.messages ?? [];
  const users = messages.filter((m) => m.role === 'user');
  const last = users[users.length - 1];
  const hasBash = (req.tools ?? []).some((t) => t.name === 'Bash');
  const answered = messages.some((m) => blocks(m.content).some((b) => b.type === 'tool_result' && b.tool_use_id === TOOL_ID));
  if (hasBash && answered) return { content: [{ type: 'text', text: 'Done.' }], stopReason: 'end_turn' };
  if (hasBash && last && textOf(last.content).includes(TASK_TEXT)) {
    return {
      content: [
        { type: 'text', text: 'Reporting the task as done.' },
        { type: 'tool_use', id: TOOL_ID, name: 'Bash', input: { command: `"$FLOTILLA_BIN" done --summary "${SUMMARY}"`, description: 'Report the task done' } },
      ],
      stopReason: 'tool_use',
    };
  }
  // Side requests (session title, quota probe, ...): JSON text serves the title request and harms no other.
  return { content: [{ type: 'text', text: '{"title": "Say hello"}' }], stopReason: 'end_turn' };
}

let f: FleetEnv;
let api: FakeAnthropic;
let scratch: string;
beforeEach(async () => {
  f = await makeFleetEnv();
  api = await startFakeAnthropic(script);
  scratch = await mkdtemp(join(tmpdir(), 'flotilla-claude-'));
});
afterEach(async () => {
  await f.cleanup();
  await api.close();
  // Claude Code writes to its config dir as it exits (SIGHUP from the killed pane): remove until it stays gone.
  await retryUntil(async () => {
    await rm(scratch, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 300));
    return !existsSync(scratch);
  }, { what: `${scratch} removed`, timeoutMs: 10_000 });
});

// Only a missing binary skips, loudly: npm ci installs it (an unsupported platform may not).
const MISSING = existsSync(CLAUDE) ? undefined : `skipped: ${CLAUDE} is missing (run npm ci)`;
if (MISSING) console.warn(`real Claude Code test ${MISSING}`);

describe.skipIf(MISSING !== undefined)(`real Claude Code, offline${MISSING ? ` (${MISSING})` : ''}`, () => {
  it('receives its task in the pane, runs "flotilla done" through its Bash tool, and its hooks drive the states', async () => {
    const configDir = join(scratch, 'claude-config');
    const home = join(scratch, 'home');
    await mkdir(configDir, { recursive: true });
    await mkdir(home, { recursive: true });
    const worktree = join(await realpath(f.repo.dir), '.flotilla', 'worktrees', 'solo');
    // Skips the first-run dialogs: onboarding, "use this API key?", "trust this folder?" and the
    // bypass-permissions warning (without that key the pane sits at "No, exit / Yes, I accept").
    await writeFile(
      join(configDir, '.claude.json'),
      JSON.stringify({
        hasCompletedOnboarding: true,
        bypassPermissionsModeAccepted: true,
        customApiKeyResponses: { approved: [API_KEY.slice(-20)], rejected: [] },
        projects: { [worktree]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
      }),
    );
    const env = {
      ANTHROPIC_BASE_URL: api.url,
      ANTHROPIC_API_KEY: API_KEY,
      CLAUDE_CONFIG_DIR: configDir,
      HOME: home,
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
      IS_SANDBOX: '1',
    };
    await f.writeMission(
      [
        'name: real',
        `agent: { kind: claude, command: ${JSON.stringify(CLAUDE)}, args: [--permission-mode, bypassPermissions], env: ${JSON.stringify(env)} }`,
        'orchestrators:',
        '  - { name: solo, role: backend-dev }',
        'tasks:',
        '  - { id: claude-hello, title: Say hello }',
        '',
      ].join('\n'),
    );
    const stateDir = join(f.home, 'missions', f.socket, 'real');
    const readLog = () => readFile(join(stateDir, 'supervisor.log'), 'utf8').catch(() => '(no supervisor log)');
    const debug = async () => {
      const s = await f.flotilla(['status', '--json']);
      const pane = s.code === 0 ? (JSON.parse(s.stdout) as { orchestrators: { pane: string }[] }).orchestrators[0]?.pane : undefined;
      const screen = pane ? await f.tmux(['capture-pane', '-p', '-t', pane]).catch((e: unknown) => String(e)) : '(no pane)';
      return ['--- supervisor.log', await readLog(), '--- fake API', api.log(), '--- pane', screen].join('\n');
    };
    const started = Date.now();
    const up = await f.flotilla(['up', '--wait', '--timeout', '90'], { timeoutMs: 100_000 });
    const took = Date.now() - started;
    expect(up.code, `up exit ${up.code} after ${took} ms\n${up.stdout}\n${up.stderr}\n${await debug()}`).toBe(0);

    const show = await f.flotilla(['task', 'show', 'claude-hello', '--json']);
    expect(show.code, show.stderr).toBe(0);
    const task = JSON.parse(show.stdout) as { state: string; summary?: string };
    expect(task.state).toBe('done');
    expect(task.summary).toBe(SUMMARY);

    // The model saw the task text, asked for Bash, and got the command's result back (after the task
    // was already done: "flotilla done" ran inside that Bash call, so up --wait may return first).
    const sent = () => api.requests.filter((r) => r.path.split('?')[0] === '/v1/messages').map((r) => r.body as MessagesRequest);
    expect(sent().some((b) => (b.messages ?? []).some((m) => m.role === 'user' && textOf(m.content).includes(TASK_TEXT))), api.log()).toBe(true);
    const toolResults = () => sent().flatMap((b) => (b.messages ?? []).flatMap((m) => blocks(m.content))).filter((b) => b.type === 'tool_result' && b.tool_use_id === TOOL_ID);
    await retryUntil(async () => toolResults().length > 0, { what: 'a tool_result for the Bash call', timeoutMs: 20_000 }).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${await debug()}`);
    });
    expect(textOf(toolResults()[0]!.content)).not.toMatch(/error|denied|permission/i);

    // Hooks fired: the pane went idle (SessionStart) -> working (UserPromptSubmit) -> idle (Stop).
    const supervisorLog = await retryUntil(async () => {
      const text = await readLog();
      return /solo: working -> idle/.test(text) && text;
    }, { what: 'solo back to idle', timeoutMs: 20_000 }).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${await debug()}`);
    });
    const lines = supervisorLog.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/solo: starting -> idle/), supervisorLog).toBeGreaterThan(-1);
    expect(at(/solo: idle -> working/), supervisorLog).toBeGreaterThan(at(/solo: starting -> idle/));
    expect(at(/solo: working -> idle/), supervisorLog).toBeGreaterThan(at(/solo: idle -> working/));
    expect(supervisorLog).toMatch(/solo: claude-hello done: hello from claude/);
    const beat = JSON.parse(await readFile(join(stateDir, 'heartbeats', 'solo.json'), 'utf8')) as { source: string; sessionId?: string; transcriptPath?: string };
    expect(beat.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(beat.transcriptPath).toContain(configDir);
    const status = JSON.parse((await f.flotilla(['status', '--json'])).stdout) as { orchestrators: { session: { id: string; transcript: string } | null }[] };
    expect(status.orchestrators[0]!.session).toEqual({ id: beat.sessionId, transcript: beat.transcriptPath });

    // Flotilla's hook file is in the worktree and invisible to git.
    expect(existsSync(join(worktree, '.claude', 'settings.local.json'))).toBe(true);
    expect(await git(worktree, 'status', '--porcelain')).not.toContain('.claude');
    if (process.env.DEBUG_CLAUDE_TEST) console.log(`took ${took} ms\n${await debug()}`);
  }, 120_000);
});
