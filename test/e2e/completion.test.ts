import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as commander from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missionPaths } from '../../src/core/paths.js';
import { buildProgram } from '../../src/cli/main.js';
import { BIN } from '../helpers/fleet-env.js';

/**
 * `flotilla completion bash|zsh|fish`, run as a user would, each script
 * loaded by its own shell and asked to complete. bash is always there; zsh
 * and fish are tested where installed. Every shell runs with a temp HOME and
 * FLOTILLA_HOME, in a temp directory holding a mission file and a subdirectory.
 */
const has = (shell: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${shell}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

let root: string;
let env: NodeJS.ProcessEnv;
const scripts: Record<string, string> = {};

function run(file: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(file, args, { cwd: join(root, 'work'), env, timeout: 20_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'flotilla-completion-'));
  env = { PATH: process.env.PATH, HOME: join(root, 'home'), FLOTILLA_HOME: join(root, 'flotilla-home'), TERM: 'dumb', NO_COLOR: '1' };
  await mkdir(join(root, 'work', 'prompts'), { recursive: true });
  await mkdir(env.HOME!, { recursive: true });
  await writeFile(join(root, 'work', 'auth.yaml'), 'name: auth\n');
  await writeFile(join(root, 'work', 'notes.txt'), 'not a mission\n');
  // A mission with state, where src/core/paths.ts puts it: completion offers its name.
  await mkdir(missionPaths(env.FLOTILLA_HOME!, 'alpha', 'work').dir, { recursive: true });
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await run(process.execPath, [BIN, 'completion', shell]);
    expect(r.code, r.stderr).toBe(0);
    scripts[shell] = join(root, `flotilla.${shell}`);
    await writeFile(scripts[shell]!, r.stdout);
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** What bash offers for the words typed so far (the last one is being completed), by calling the function as bash would. */
async function bash(...words: string[]): Promise<string[]> {
  const driver = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _flotilla flotilla "${COMP_WORDS[COMP_CWORD]}"; printf "%s\\n" "${COMPREPLY[@]}"';
  const r = await run('bash', ['-c', driver, 'bash', scripts.bash!, ...words]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('flotilla completion', () => {
  const visible = () => {
    const program = buildProgram(commander);
    return program.createHelp().visibleCommands(program).map((c) => c.name()).sort();
  };

  it('refuses a shell it does not know, exit 2', async () => {
    const r = await run(process.execPath, [BIN, 'completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bash, zsh, fish');
  });

  it('bash: the script parses, and completes commands, options, argument words, missions and files', async () => {
    expect((await run('bash', ['-n', scripts.bash!])).code).toBe(0);
    expect(await bash('flotilla', 'st')).toEqual(['status']);
    expect(await bash('flotilla', '')).toEqual(visible());
    expect(await bash('flotilla', 'up', '--fr')).toEqual(['--fresh']);
    expect(await bash('flotilla', 'layout', '')).toEqual(['grid', 'tabs', 'toggle']);
    expect(await bash('flotilla', 'status', '')).toEqual(['alpha', 'auth.yaml', 'prompts']);
    expect(await bash('flotilla', 'status', '--socket', 'work', '')).toEqual(['alpha', 'auth.yaml', 'prompts']);
    expect(await bash('flotilla', 'layout', 'grid', '')).toEqual(['alpha', 'auth.yaml', 'prompts']);
    expect(await bash('flotilla', 'layout', 'grid', 'alpha', '')).toEqual([]);
    expect(await bash('flotilla', 'task', '--prompt-file', '')).toEqual(['auth.yaml', 'notes.txt', 'prompts']);
    expect(await bash('flotilla', 'demo', '--dir', '')).toEqual(['prompts']);
    expect(await bash('flotilla', 'run', 'a.md', '')).toEqual(['auth.yaml', 'notes.txt', 'prompts']);
    expect(await bash('flotilla', 'done', '')).toEqual([]);
    expect(await bash('flotilla', 'completion', '')).toEqual(['bash', 'fish', 'zsh']);
    expect(await bash('flotilla', 'help', 'st')).toEqual(['status']);
  });

  it.skipIf(!has('fish'))('fish: the script parses, and completes commands, options and missions', async () => {
    expect((await run('fish', ['-n', scripts.fish!])).code).toBe(0);
    const fish = async (line: string) => {
      const r = await run('fish', ['--no-config', '-c', `source ${scripts.fish}; complete -C '${line}'`]);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]!).sort();
    };
    expect(await fish('flotilla st')).toEqual(['status']);
    expect(await fish('flotilla ')).toEqual(visible());
    expect(await fish('flotilla up --fr')).toEqual(['--fresh']);
    expect(await fish('flotilla layout ')).toEqual(['grid', 'tabs', 'toggle']);
    expect(await fish('flotilla status ')).toEqual(['alpha', 'auth.yaml', 'prompts/']);
    expect(await fish('flotilla demo --dir ')).toEqual(['prompts/']);
  });

  it.skipIf(!has('zsh'))('zsh: the script parses, and Tab completes in an interactive zsh', async () => {
    expect((await run('zsh', ['-n', scripts.zsh!])).code).toBe(0);
    // An interactive zsh on a pseudo-terminal (zsh/zpty): type LINE and Tab, read until the screen shows EXPECT.
    const driver = [
      'zmodload zsh/zpty',
      "zpty z 'zsh -f -i'",
      `zpty -w z 'PS1="READY> "; autoload -Uz compinit; compinit -u -D; source '$1'; print LOADED'`,
      "zpty -r -m z out '*LOADED*'",
      "zpty -r -m z out '*READY> '",
      'zpty -w -n z "$2"$\'\\t\'',
      'zpty -r -m z out "*$3*" && print -r -- "$out"',
      'zpty -d z',
    ].join('\n');
    const zsh = (line: string, expect: string) => run('zsh', ['-f', '-c', driver, 'zsh', scripts.zsh!, line, expect]);
    const st = await zsh('flotilla st', 'flotilla status ');
    expect(st.code, st.stdout + st.stderr).toBe(0);
    const layout = await zsh('flotilla layout ', 'toggle');
    expect(layout.stdout).toMatch(/grid\s+tabs\s+toggle/);
    const status = await zsh('flotilla status ', 'auth.yaml');
    expect(status.stdout).toContain('alpha');
  });
});
