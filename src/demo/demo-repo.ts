import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { Git } from '../git/git.js';

/** The demo's test suite: the merge gate later issues use. It fails while any sim/FAIL marker exists. */
const TEST_SCRIPT = `#!/bin/sh
# Tiny test suite of the Flotilla demo repository.
status=0
for f in $(git ls-files '*.js'); do
  node --check "$f" || { echo "FAIL: $f does not parse"; status=1; }
done
if ls sim/FAIL* >/dev/null 2>&1; then
  echo "FAIL: a sim agent left a failing test marker (sim/FAIL)"; status=1
fi
[ $status -eq 0 ] && echo "ok: all checks passed"
exit $status
`;

const FILES: Record<string, string> = {
  'README.md': '# Flotilla demo\n\nA throwaway repository for `flotilla demo`. Agents add a tiny greeting library here.\n',
  'test.sh': TEST_SCRIPT,
  'src/index.js': "export const name = 'flotilla-demo';\n",
  'docs/.keep': '',
};

/** missions/demo.yaml is paced for a person to follow (about a minute); `--fast` divides its durations by this. */
export const FAST_FACTOR = 6;

/** The demo mission's text, at its own pace or with every sim duration_ms divided by FAST_FACTOR. */
export function demoMission(text: string, fast: boolean): string {
  if (!fast) return text;
  return text.replace(/\bduration_ms: (\d+)/g, (_m, ms: string) => `duration_ms: ${Math.round(Number(ms) / FAST_FACTOR)}`);
}

/** A throwaway git repository on branch main with a tiny test suite and the demo mission as flotilla.yaml. */
export async function makeDemoRepo(dir?: string, opts: { fast?: boolean } = {}): Promise<{ dir: string; missionFile: string }> {
  const root = dir ? resolve(dir) : await mkdtemp(join(tmpdir(), 'flotilla-demo-'));
  await mkdir(root, { recursive: true });
  for (const [file, text] of Object.entries(FILES)) {
    await mkdir(join(root, file, '..'), { recursive: true });
    await writeFile(join(root, file), text, { mode: file.endsWith('.sh') ? 0o755 : 0o644 });
  }
  const missionFile = join(root, 'flotilla.yaml');
  const mission = await readFile(join(packageRoot, 'missions', 'demo.yaml'), 'utf8');
  await writeFile(missionFile, demoMission(mission, Boolean(opts.fast)));
  const git = new Git(root);
  await git.run(['init', '-q', '-b', 'main']);
  await git.run(['config', 'user.name', 'Flotilla Demo']);
  await git.run(['config', 'user.email', 'demo@flotilla.invalid']);
  await git.run(['config', 'commit.gpgsign', 'false']);
  await git.run(['add', '-A']);
  await git.run(['commit', '-q', '-m', 'Demo repository']);
  return { dir: root, missionFile };
}
