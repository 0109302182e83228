import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { hookCommand, installClaudeHooks, isFlotillaHookCommand } from '../../src/agents/claude-hooks.js';
import { CLAUDE_HOOK_EVENTS } from '../../src/agents/hook-events.js';
import { git, makeTempRepo, type TempRepo } from '../helpers/git-repo.js';

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

const settingsOf = async (dir: string) => JSON.parse(await readFile(join(dir, '.claude/settings.local.json'), 'utf8')) as {
  hooks: Record<string, { matcher?: string; hooks: { type: string; command: string }[] }[]>;
  permissions: { allow: string[] };
  [key: string]: unknown;
};

const userSettings = {
  permissions: { allow: ['Bash(npm test:*)'] },
  model: 'opus',
  hooks: {
    Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }],
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './scripts/guard.sh' }] }],
    PreCompact: [{ hooks: [{ type: 'command', command: 'echo compacting' }] }],
  },
};

describe('installClaudeHooks', () => {
  it('writes a hook for every event into a fresh worktree, and keeps the file out of git status', async () => {
    repo = await makeTempRepo();
    await installClaudeHooks({ worktree: repo.dir, flotillaBin: '/opt/flotilla/bin/flotilla', nodePath: '/usr/bin/node' });
    const s = await settingsOf(repo.dir);
    expect(Object.keys(s.hooks).sort()).toEqual([...CLAUDE_HOOK_EVENTS].sort());
    expect(s.hooks.Stop).toEqual([{ hooks: [{ type: 'command', command: "'/usr/bin/node' '/opt/flotilla/bin/flotilla' hook Stop", timeout: 10 }] }]);
    expect(await git(repo.dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('merges with the user\'s settings without losing their keys or hooks, and is idempotent', async () => {
    repo = await makeTempRepo();
    await mkdir(join(repo.dir, '.claude'));
    await writeFile(join(repo.dir, '.claude/settings.local.json'), JSON.stringify(userSettings));
    const opts = { worktree: repo.dir, flotillaBin: '/opt/flotilla/bin/flotilla', nodePath: '/usr/bin/node' };
    await installClaudeHooks(opts);
    const first = await readFile(join(repo.dir, '.claude/settings.local.json'), 'utf8');
    await installClaudeHooks(opts);
    expect(await readFile(join(repo.dir, '.claude/settings.local.json'), 'utf8')).toBe(first);

    const s = await settingsOf(repo.dir);
    // The user's rules first and kept; Flotilla's agent-side commands allowed once each, even after two installs.
    expect(s.permissions.allow.slice(0, userSettings.permissions.allow.length)).toEqual(userSettings.permissions.allow);
    expect(s.permissions.allow.filter((r) => r === 'Bash(flotilla done *)')).toHaveLength(1);
    expect(s.permissions.allow).toEqual(expect.arrayContaining(['Bash(flotilla done *)', 'Bash(flotilla done)', 'Bash(flotilla fail *)', 'Bash(flotilla note *)', 'Bash(flotilla heartbeat *)']));
    // Committing in the worktree, as every prompt asks; nothing that reaches beyond it.
    expect(s.permissions.allow).toEqual(expect.arrayContaining(['Bash(git add *)', 'Bash(git commit *)', 'Bash(git status)', 'Bash(git diff *)']));
    expect(s.permissions.allow.filter((r) => /push|reset|checkout|switch|branch/.test(r))).toEqual([]);
    expect(s.model).toBe('opus');
    expect(s.hooks.PreCompact).toEqual(userSettings.hooks.PreCompact);
    expect(s.hooks.Stop!.map((g) => g.hooks.map((h) => h.command))).toEqual([['say done'], ["'/usr/bin/node' '/opt/flotilla/bin/flotilla' hook Stop"]]);
    expect(s.hooks.PreToolUse![0]).toEqual(userSettings.hooks.PreToolUse[0]);
    expect(s.hooks.PreToolUse).toHaveLength(2);
    expect(await git(repo.dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    const exclude = await readFile(join(repo.dir, '.git/info/exclude'), 'utf8');
    expect(exclude.split('\n').filter((l) => l.includes('settings.local.json'))).toEqual(['/.claude/settings.local.json']);
  });

  it('replaces its own entries when Flotilla or node moved, in a linked worktree', async () => {
    repo = await makeTempRepo();
    const wt = join(repo.scratch, 'wt');
    await git(repo.dir, 'worktree', 'add', '-q', '-b', 'flotilla/m/indigo', wt);
    await installClaudeHooks({ worktree: wt, flotillaBin: '/old/place/bin/flotilla', nodePath: '/usr/bin/node' });
    await installClaudeHooks({ worktree: wt, flotillaBin: '/new place/bin/flotilla', nodePath: '/usr/local/bin/node' });
    const s = await settingsOf(wt);
    for (const event of CLAUDE_HOOK_EVENTS) {
      expect(s.hooks[event]!.flatMap((g) => g.hooks.map((h) => h.command))).toEqual([`'/usr/local/bin/node' '/new place/bin/flotilla' hook ${event}`]);
    }
    expect(await git(wt, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('refuses to overwrite a settings file it cannot parse', async () => {
    repo = await makeTempRepo();
    await mkdir(join(repo.dir, '.claude'));
    await writeFile(join(repo.dir, '.claude/settings.local.json'), '{ "model": "opus", ');
    await expect(installClaudeHooks({ worktree: repo.dir, flotillaBin: '/b', nodePath: '/n' })).rejects.toThrow(/not valid JSON/);
    expect(await readFile(join(repo.dir, '.claude/settings.local.json'), 'utf8')).toBe('{ "model": "opus", ');
  });

  it('quotes paths so a shell runs exactly them, whatever characters they hold', async () => {
    repo = await makeTempRepo();
    const dir = join(repo.scratch, `it's a $HOME \`x\` "dir"`);
    await mkdir(dir);
    const bin = join(dir, 'flotilla');
    const out = join(repo.scratch, 'argv.json');
    await writeFile(bin, `require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(1)));\n`);
    await chmod(bin, 0o755);
    const command = hookCommand(process.execPath, bin, 'Stop');
    expect(isFlotillaHookCommand(command)).toBe(true);
    await promisify(execFile)('sh', ['-c', command]);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual([bin, 'hook', 'Stop']);
  });

  it('does not take a user\'s own commands for Flotilla\'s', () => {
    expect(isFlotillaHookCommand('say done')).toBe(false);
    expect(isFlotillaHookCommand('flotilla hook Stop')).toBe(false);
    expect(isFlotillaHookCommand("'/usr/bin/node' '/b' hook Stop && say hi")).toBe(false);
  });
});
