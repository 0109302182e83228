// `npm run bench -- merge [--entries 24] [--test-s 1] [--runs 1] [--bad 3] [--overhead-runs 10]`
//
// The merge queue on real git and a real test command, without agents or tmux:
// ENTRIES task branches enter the queue at once; each test sleeps TEST_S and fails
// when a bad entry is in the tree. Wall time until every entry landed or was
// turned down, with the queue's defaults (parallel = cores, at most 4; batch 4)
// against strict one-at-a-time (parallel 1, batch 1), measured in the same run,
// with 0 and with BAD bad entries. Then the overhead from `done` to landed beyond
// the test itself: one entry, an empty queue, a test that does nothing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, median, ms, now, printTable, ratio, tempRoot, writeResults } from './lib.mjs';

export const description = 'merge queue: defaults vs one at a time, 24 entries with a 1 s test, 0 and 3 bad; done-to-landed overhead';

const dist = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href);

function opt(args, name, dflt) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** A repository with ENTRIES task branches, each adding a file of its own; the bad ones add a marker the test fails on. */
function makeRepo(dir, entries, bad, testS) {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'bench');
  git(dir, 'config', 'user.email', 'bench@flotilla.invalid');
  writeFileSync(join(dir, 'test.sh'), `sleep ${testS}\nif ls bad-* >/dev/null 2>&1; then echo "bad entry"; exit 1; fi\necho ok\n`);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  // Spread the bad ones out: the 3rd, the middle one and the 4th from the end, say.
  const badAt = new Set(Array.from({ length: bad }, (_v, k) => Math.floor(((k + 0.5) * entries) / bad)));
  const heads = [];
  for (let i = 0; i < entries; i++) {
    git(dir, 'switch', '-q', '-c', `t${i}`, base);
    const file = badAt.has(i) ? `bad-${i}` : `e${i}.txt`;
    writeFileSync(join(dir, file), `entry ${i}\n`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `entry ${i}`);
    heads.push(git(dir, 'rev-parse', 'HEAD'));
  }
  git(dir, 'switch', '-q', 'main');
  return { base, heads, badAt };
}

async function queueRun({ dir, base, heads, settings, label, keepSlots = false }) {
  const { MergeEngine } = await dist('merge/engine.js');
  const { CandidateBuilder } = await dist('git/candidate.js');
  const { TestPool } = await dist('merge/test-pool.js');
  const { landOnBase, baseCommit } = await dist('git/land.js');
  git(dir, 'update-ref', 'refs/heads/main', base);
  git(dir, 'reset', '-q', '--hard', base);
  const state = join(dir, '..', `state-${label}`);
  mkdirSync(state, { recursive: true });
  const builder = new CandidateBuilder(dir, 'squash');
  const pool = new TestPool({ repo: dir, worktreesDir: join(dir, '..', `slots-${label}`), stateDir: state, size: settings.parallel, command: 'sh test.sh', timeoutMs: 600_000, setup: { copy: [], run: [] } });
  let left = heads.length;
  let settle;
  const allDone = new Promise((r) => (settle = r));
  const landedAt = [];
  let testMs = 0;
  const t0 = now();
  const engine = new MergeEngine(
    {
      base: () => baseCommit(dir, 'main'),
      contains: (b, h) => builder.contains(b, h),
      build: (p, parts) => builder.build(p, parts),
      test: (run) => pool.run(run),
      land: (old, next, skip) => landOnBase(dir, 'main', old, next, { skipCheckout: skip }),
      message: (e) => `${e.title}\n`,
    },
    {
      testing: () => undefined,
      merged: () => {
        landedAt.push(now() - t0);
        if (--left === 0) settle();
      },
      rejected: () => {
        if (--left === 0) settle();
      },
      held: (h) => h && console.error(`held: ${h.why}`),
      tested: (_tasks, outcome) => (testMs += outcome.ms),
      log: (m) => process.env.BENCH_DEBUG && console.error(m),
    },
    { test: 'sh test.sh', ...settings },
  );
  heads.forEach((head, i) => engine.add({ task: `t${i}`, orchestrator: 'o', head, title: `entry ${i}`, summary: '', priority: 0, at: 1_700_000_000_000 + i }));
  await allDone;
  const wall = now() - t0;
  engine.stop();
  if (!keepSlots) await pool.removeAll();
  return { wall, landedAt, testMs };
}

export async function run(args) {
  const entries = opt(args, 'entries', 24);
  const testS = opt(args, 'test-s', 1);
  const runs = opt(args, 'runs', 1);
  const bad = opt(args, 'bad', 3);
  const overheadRuns = opt(args, 'overhead-runs', 10);
  const cores = availableParallelism();
  const defaults = { parallel: Math.min(4, Math.max(1, cores)), batch: 4, retries: 1 };
  const strict = { parallel: 1, batch: 1, retries: 1 };
  const root = tempRoot('flb-merge-').dir;
  console.log(`merge queue: ${entries} entries, test sleeps ${testS} s; defaults = parallel ${defaults.parallel}, batch ${defaults.batch}, retries 1; strict = parallel 1, batch 1; ${runs} run(s) each`);
  const rows = [];
  const results = {};
  for (const b of [0, bad]) {
    const repo = join(root, `repo-bad${b}`);
    const made = makeRepo(repo, entries, b, testS);
    const walls = { defaults: [], strict: [] };
    for (let r = 0; r < runs; r++) {
      // Alternated, so a slower moment of the machine does not always fall on the same side.
      for (const [name, settings] of r % 2 ? [['strict', strict], ['defaults', defaults]] : [['defaults', defaults], ['strict', strict]]) {
        const res = await queueRun({ dir: repo, base: made.base, heads: made.heads, settings, label: `${name}-${b}-${r}` });
        walls[name].push(res.wall);
      }
    }
    const d = median(walls.defaults);
    const s = median(walls.strict);
    results[`bad${b}`] = { defaults: walls.defaults, strict: walls.strict };
    rows.push([`${b} bad`, ms(d), ms(s), ratio(s, d), b === 0 ? '>= 3x' : '>= 2x']);
  }
  printTable(['entries', 'defaults ms', 'strict ms', 'faster', 'target'], rows);

  // Overhead: one entry, empty queue, a test that does nothing; slot already made (warm), as in a running mission.
  const repo = join(root, 'repo-overhead');
  const made = makeRepo(repo, overheadRuns + 1, 0, 0);
  writeFileSync(join(repo, 'test.sh'), 'exit 0\n');
  git(repo, 'commit', '-q', '-am', 'instant test');
  const base = git(repo, 'rev-parse', 'HEAD');
  const overheads = [];
  for (let i = 0; i <= overheadRuns; i++) {
    const res = await queueRun({ dir: repo, base, heads: [made.heads[i]], settings: { parallel: 1, batch: 1, retries: 0 }, label: 'overhead', keepSlots: true });
    if (i > 0) overheads.push(res.wall - res.testMs); // the first makes its slot: a one-off per slot
  }
  const oh = median(overheads);
  printTable(['done -> landed', 'median ms (beyond the test)', 'target'], [['one entry, empty queue', ms(oh), '<= 300']]);
  const file = writeResults('merge', { entries, testS, defaults, strict, results, overheadMs: overheads });
  console.log(`results: ${file}`);
  return 0;
}
