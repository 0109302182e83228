import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git } from '../helpers/git-repo.js';
import { makeFleetEnv, type FleetEnv } from '../helpers/fleet-env.js';

/**
 * What `up` refuses before anything starts (exit 2, one fix per problem,
 * nothing created) and what `flotilla doctor` lists. Claude's config lives in
 * a temp CLAUDE_CONFIG_DIR: the user's ~/.claude.json is never read or written.
 */
let f: FleetEnv;
let configDir: string;
let fakeClaude: string;
beforeEach(async () => {
  f = await makeFleetEnv();
  configDir = join(f.repo.scratch, 'claude-config');
  await mkdir(configDir, { recursive: true });
  // A stand-in executable named like the real CLI: preflight only checks that it resolves.
  fakeClaude = join(f.repo.scratch, 'bin', 'claude');
  await mkdir(join(f.repo.scratch, 'bin'));
  await writeFile(fakeClaude, '#!/bin/sh\nsleep 600\n');
  await chmod(fakeClaude, 0o755);
});
afterEach(async () => {
  await f.cleanup();
});

const claudeConfig = (value: unknown) => writeFile(join(configDir, '.claude.json'), JSON.stringify(value));

function claudeMission(opts: { args?: string[]; env?: Record<string, string>; command?: string } = {}): string {
  const env = { CLAUDE_CONFIG_DIR: configDir, HOME: f.repo.scratch, ...opts.env };
  return [
    'name: pre',
    `agent: { kind: claude, command: ${JSON.stringify(opts.command ?? fakeClaude)}, args: ${JSON.stringify(opts.args ?? ['--permission-mode', 'acceptEdits'])}, env: ${JSON.stringify(env)} }`,
    'orchestrators:',
    '  - { name: indigo, role: backend-dev }',
    '  - { name: emerald, role: backend-dev }',
    '',
  ].join('\n');
}

/** Nothing of the mission exists: no session, worktree, registry entry or state. */
async function expectNothingStarted(): Promise<void> {
  expect(await f.tmux(['list-sessions']).catch(() => 'no server')).toBe('no server');
  expect(existsSync(join(f.repo.dir, '.flotilla'))).toBe(false);
  expect(existsSync(join(f.home, 'missions'))).toBe(false);
  expect(JSON.parse((await f.flotilla(['ls', '--json'])).stdout)).toEqual([]);
  expect(await git(f.repo.dir, 'branch', '--list', 'flotilla/*')).toBe('');
}

describe('preflight', () => {
  it('an agent command that is not installed: exit 2 naming it and the fix, nothing created', async () => {
    await claudeConfig({ projects: { [f.repo.dir]: { hasTrustDialogAccepted: true } } });
    await f.writeMission(claudeMission({ command: 'claude-not-installed' }));
    const r = await f.flotilla(['up']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('claude agent command "claude-not-installed" is not found on PATH (orchestrators indigo, emerald)');
    expect(r.stderr).toContain('fix: install claude-not-installed, or set agent.command');
    expect(r.stderr).toContain('nothing was started');
    await expectNothingStarted();
  });

  it('a repository Claude does not trust: refused; a trusted parent folder covers it', async () => {
    await claudeConfig({ hasCompletedOnboarding: true, projects: {} });
    await f.writeMission(claudeMission());
    const r = await f.flotilla(['up', '--wait', '--timeout', '30']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Claude Code does not trust ${f.repo.dir} yet (${join(configDir, '.claude.json')})`);
    // The fix is the user's own command with --trust added: following it keeps --wait.
    expect(r.stderr).toContain('up --wait --timeout 30 --trust" to record the trust');
    expect(r.stderr).toMatch(/fix: run ".*flotilla up .*--trust" to record the trust, or run claude once in/);
    await expectNothingStarted();

    const parent = join(f.repo.dir, '..');
    await claudeConfig({ projects: { [join(parent)]: { hasTrustDialogAccepted: true } } });
    const doctor = await f.flotilla(['doctor', '--json']);
    const checks = (JSON.parse(doctor.stdout) as { checks: { check: string; ok: boolean; message: string }[] }).checks;
    expect(checks.find((c) => c.check === 'claude-trust')).toMatchObject({ ok: true });
    expect(doctor.code).toBe(0);
  });

  it('an ANTHROPIC_API_KEY Claude Code was never told to use: the API-key dialog is caught before anything starts', async () => {
    const key = 'sk-ant-api03-preflight-0123456789abcdefWXYZ';
    await claudeConfig({ projects: { [f.repo.dir]: { hasTrustDialogAccepted: true } } });
    await f.writeMission(claudeMission({ env: { ANTHROPIC_API_KEY: key } }));
    const r = await f.flotilla(['up']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('Claude Code has not been told to use ANTHROPIC_API_KEY (…WXYZ) yet');
    expect(r.stderr).toContain('"Do you want to use this API key?"');
    expect(r.stderr).not.toContain(key); // the key itself is never printed
    await expectNothingStarted();

    await claudeConfig({ customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] }, projects: { [f.repo.dir]: { hasTrustDialogAccepted: true } } });
    const doctor = await f.flotilla(['doctor', '--json']);
    const checks = (JSON.parse(doctor.stdout) as { checks: { check: string; ok: boolean }[] }).checks;
    expect(checks.find((c) => c.check === 'claude-api-key')).toMatchObject({ ok: true });
    expect(doctor.code).toBe(0);
  });

  it('bypass mode never accepted, and bypass mode as root without IS_SANDBOX', async () => {
    await claudeConfig({ projects: { [f.repo.dir]: { hasTrustDialogAccepted: true } } });
    await f.writeMission(claudeMission({ args: ['--dangerously-skip-permissions'] }));
    const r = await f.flotilla(['doctor']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/problem\s+claude-bypass\s+bypass-permissions mode was never accepted/);
    // The fix runs the mission's own claude with the mission's config dir, so accepting it there is what counts.
    expect(r.stdout).toContain(`fix: run "CLAUDE_CONFIG_DIR=${configDir} HOME=${f.repo.scratch} ${process.getuid?.() === 0 ? 'IS_SANDBOX=1 ' : ''}${fakeClaude} --dangerously-skip-permissions" once`);
    if (process.getuid?.() === 0) expect(r.stdout).toMatch(/problem\s+claude-root\s+running as root, Claude Code refuses bypass-permissions mode/);

    await claudeConfig({ bypassPermissionsModeAccepted: true, projects: { [f.repo.dir]: { hasTrustDialogAccepted: true } } });
    await f.writeMission(claudeMission({ args: ['--permission-mode', 'bypassPermissions'], env: { IS_SANDBOX: '1' } }));
    const ok = await f.flotilla(['doctor']);
    expect(ok.stdout).toMatch(/ok\s+claude-bypass/);
    expect(ok.stdout).not.toContain('claude-root');
    expect(ok.code, ok.stdout).toBe(0);
  });

  it('a missing base branch and a repository without commits are refused before anything starts', async () => {
    await f.writeMission('name: pre\nbase: trunk\nagent: { kind: sim }\norchestrators:\n  - { name: a, role: backend-dev }\n');
    const r = await f.flotilla(['up']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`base branch "trunk" does not exist in ${f.repo.dir}`);
    await expectNothingStarted();

    const empty = join(f.repo.scratch, 'empty');
    await mkdir(empty);
    await git(empty, 'init', '-q', '-b', 'main');
    await writeFile(join(empty, 'flotilla.yaml'), 'name: pre\nagent: { kind: sim }\norchestrators:\n  - { name: a, role: backend-dev }\n');
    const none = await f.flotilla(['up'], { cwd: empty });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('has no commits yet');
    expect(none.stderr).toContain('commit --allow-empty');
    expect(existsSync(join(empty, '.flotilla'))).toBe(false);
  });

  it('up --trust records trust for the repository and its worktrees, says so, and keeps the rest of the config', async () => {
    await claudeConfig({ hasCompletedOnboarding: true, theme: 'dark', projects: { '/elsewhere': { hasTrustDialogAccepted: true, allowedTools: ['x'] } } });
    await f.writeMission(claudeMission());
    const r = await f.flotilla(['up', '--trust']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`recorded trust in ${join(configDir, '.claude.json')} for ${f.repo.dir}`);
    const config = JSON.parse(await readFile(join(configDir, '.claude.json'), 'utf8')) as { theme: string; projects: Record<string, { hasTrustDialogAccepted?: boolean; allowedTools?: string[] }> };
    expect(config.theme).toBe('dark');
    expect(config.projects['/elsewhere']).toEqual({ hasTrustDialogAccepted: true, allowedTools: ['x'] });
    for (const dir of [f.repo.dir, join(f.repo.dir, '.flotilla', 'worktrees', 'indigo'), join(f.repo.dir, '.flotilla', 'worktrees', 'emerald')]) {
      expect(config.projects[dir]?.hasTrustDialogAccepted, dir).toBe(true);
    }
  });
  it('a worktrees folder that cannot be made and a setup copy file that is missing: exit 2 with both, nothing created', async () => {
    await f.writeMission('name: pre\nworktrees: README.md/wt\nsetup: { copy: [.env, ../outside] }\nagent: { kind: sim }\norchestrators:\n  - { name: a }\n');
    const r = await f.flotilla(['up']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(f.repo.dir, 'README.md')} is a file, so the worktrees folder ${join(f.repo.dir, 'README.md', 'wt')} cannot be made`);
    expect(r.stderr).toContain(`setup.copy ".env" does not exist in ${f.repo.dir}, so no worktree would get it`);
    expect(r.stderr).toContain(`fix: create ${join(f.repo.dir, '.env')}, or remove ".env" from setup.copy`);
    expect(r.stderr).toContain('setup.copy "../outside" is not a path inside the repository');
    await expectNothingStarted();
    if (process.getuid?.() !== 0) {
      // Root writes anywhere, so an unwritable folder can only be shown as another user.
      await mkdir(join(f.repo.scratch, 'locked'));
      await chmod(join(f.repo.scratch, 'locked'), 0o555);
      await f.writeMission(`name: pre\nworktrees: ${join(f.repo.scratch, 'locked', 'wt')}\nagent: { kind: sim }\norchestrators:\n  - { name: a }\n`);
      const locked = await f.flotilla(['up']);
      expect(locked.code).toBe(2);
      expect(locked.stderr).toContain(`${join(f.repo.scratch, 'locked')} is not writable`);
    }
  });

  it('the same mission already running on another tmux server is refused, and so is a mission using its worktrees', async () => {
    const other = `${f.socket}-b`;
    await f.writeMission('name: pre\nagent: { kind: sim }\norchestrators:\n  - { name: a }\n');
    try {
      const first = await f.flotilla(['up', '--socket', other]);
      expect(first.code, first.stderr).toBe(0);
      const again = await f.flotilla(['up']);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain(`mission pre of ${f.repo.dir} is already running on tmux server "${other}"`);
      expect(again.stderr).toContain(`fix: stop it first: `);
      expect(again.stderr).toContain(`down pre --socket ${other}`);
      // Another name, same orchestrator names and worktrees folder: it would take over the running agents' worktrees.
      await f.writeMission('name: pre2\nagent: { kind: sim }\norchestrators:\n  - { name: a }\n', 'two.yaml');
      const two = await f.flotilla(['up', 'two.yaml']);
      expect(two.code).toBe(2);
      expect(two.stderr).toContain(`mission pre (supervisor pid`);
      expect(two.stderr).toContain(`is running in the same worktrees: ${join(f.repo.dir, '.flotilla', 'worktrees', 'a')}`);
      expect(await f.tmux(['list-sessions']).catch(() => 'no server')).toBe('no server');
    } finally {
      await f.flotilla(['down', 'pre', '--force', '--socket', other]);
      spawnSync('tmux', ['-L', other, 'kill-server'], { env: f.env, stdio: 'ignore' });
    }
  });

  it('validate adds the preflight after the schema: problems with their fixes, exit 2; --schema-only skips it', async () => {
    await f.writeMission('name: pre\nbase: trunk\nagent: { kind: sim }\norchestrators:\n  - { name: a }\n');
    const r = await f.flotilla(['validate']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('flotilla.yaml: ok, 1 orchestrator');
    expect(r.stdout).toContain(`preflight: problem: base branch "trunk" does not exist in ${f.repo.dir}`);
    expect(r.stdout).toMatch(/preflight: 1 of \d+ checks found a problem; up would refuse to start/);
    const json = JSON.parse((await f.flotilla(['validate', '--json'])).stdout) as { ok: boolean; errors: unknown[]; preflight: { check: string; ok: boolean }[] };
    expect(json).toMatchObject({ ok: false, errors: [] });
    expect(json.preflight.filter((c) => !c.ok).map((c) => c.check)).toEqual(['base-branch']);
    const schemaOnly = await f.flotilla(['validate', '--schema-only']);
    expect(schemaOnly.code).toBe(0);
    expect(schemaOnly.stdout).not.toContain('preflight');
    await f.writeMission('name: pre\nagent: { kind: sim }\norchestrators:\n  - { name: a }\n');
    const good = await f.flotilla(['validate']);
    expect(good.stdout).toMatch(/preflight: ok, \d+ checks/);
    expect(good.code).toBe(0);
    await expectNothingStarted();
  });
});
