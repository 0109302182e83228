// `screens`: the screen classifier on every recorded screen.
//
// Loads the BUILT classifier (dist/agents/screen-classifier.js; `npm run bench`
// builds first) and every fixture under test/fixtures/screens/<kind>/, named
// <label>--<what>.txt. Two results:
//
// - Time per screen: each fixture is classified in batches (--batch calls, timed
//   together), --runs rounds, fixtures interleaved; one sample = one batch / its
//   size. Median and p99 over all samples, against a baseline measured the same
//   way in the same run: only splitting the screen into trimmed, non-empty lines
//   (the part any classifier must pay). Target: median ≤ 1 ms per screen.
// - Accuracy: fixtures whose reading (state, or "unknown" when no rule claims
//   the screen) equals the label in their name, by agent kind and label; the
//   misread ones are listed with the rule and line that decided.
//
//   npm run bench -- screens [--runs 30] [--batch 20] [--markdown]
//
// --markdown also prints the accuracy table as Markdown (for
// test/fixtures/screens/README.md). Results: bench/results/screens-<time>.json.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, median, now, p99, parseArgs, printTable, ratio, writeResults } from './lib.mjs';

export const description = 'screen classifier: time per recorded screen (median, p99 vs. splitting into lines) and accuracy by agent kind and label';

const TARGET_MS = 1;
const FIXTURES = join(ROOT, 'test', 'fixtures', 'screens');
const LABEL = /^(working|idle|waiting-for-human|error|usage-limit|unknown)--[a-z0-9.-]+\.txt$/;
const LABELS = ['working', 'idle', 'waiting-for-human', 'error', 'usage-limit', 'unknown'];

/** The unavoidable part: what classifyScreen does before any rule runs (minus the escape stripping). */
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const splitLines = (text) =>
  text
    .replace(ANSI, '')
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');

const pct = (right, total) => (total ? `${((100 * right) / total).toFixed(1)}%` : '-');
const us = (x) => (Number.isFinite(x) ? (x * 1000).toFixed(1) : '-');

export async function run(args) {
  const markdown = args.includes('--markdown');
  const opts = parseArgs(
    args.filter((a) => a !== '--markdown'),
    { runs: '30', batch: '20' },
  );
  const runs = Number(opts.runs);
  const batch = Number(opts.batch);
  const start = now();

  const { classifyScreen, SCREEN_PATTERNS } = await import(pathToFileURL(join(ROOT, 'dist', 'agents', 'screen-classifier.js')).href);
  const fixtures = [];
  const skipped = [];
  for (const kind of readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const file of readdirSync(join(FIXTURES, kind)).filter((f) => f.endsWith('.txt')).sort()) {
      const label = LABEL.exec(file)?.[1];
      if (!(kind in SCREEN_PATTERNS) || !label) {
        skipped.push(`${kind}/${file}${kind in SCREEN_PATTERNS ? ' (name is not <label>--<what>.txt)' : ' (no patterns for this kind)'}`);
        continue;
      }
      fixtures.push({ kind, file, label, text: readFileSync(join(FIXTURES, kind, file), 'utf8') });
    }
  }
  if (fixtures.length === 0) {
    console.log(`screens: no fixtures under ${FIXTURES}`);
    return 1;
  }

  console.log(`screens: ${description}`);
  console.log(`${fixtures.length} fixtures; each classified in batches of ${batch}, ${runs} rounds (after 1 untimed warm-up), fixtures interleaved; baseline = splitting the screen into trimmed non-empty lines\n`);

  // Timing: one sample per (round, fixture) = the batch's time / batch size.
  const samples = { baseline: [], classify: [] };
  const perFixture = fixtures.map(() => []);
  let sink = 0;
  for (let round = -1; round < runs; round++) {
    for (const [i, f] of fixtures.entries()) {
      let t0 = now();
      for (let k = 0; k < batch; k++) sink += splitLines(f.text).length;
      const base = (now() - t0) / batch;
      t0 = now();
      for (let k = 0; k < batch; k++) sink += classifyScreen(f.kind, f.text).state ? 1 : 0;
      const cls = (now() - t0) / batch;
      if (round < 0) continue;
      samples.baseline.push(base);
      samples.classify.push(cls);
      perFixture[i].push(cls);
    }
  }
  if (sink < 0) console.log(sink); // keep the work observable

  const timing = {
    baseline: { median: median(samples.baseline), p99: p99(samples.baseline), n: samples.baseline.length },
    classify: { median: median(samples.classify), p99: p99(samples.classify), n: samples.classify.length },
  };
  const slowest = fixtures
    .map((f, i) => ({ fixture: `${f.kind}/${f.file}`, median: median(perFixture[i]) }))
    .sort((a, b) => b.median - a.median)
    .slice(0, 3);
  printTable(
    ['per screen', 'samples', 'median ms', 'p99 ms', 'median µs', 'ratio to baseline', `target ≤ ${TARGET_MS} ms`],
    [
      ['split into lines (baseline)', timing.baseline.n, timing.baseline.median.toFixed(4), timing.baseline.p99.toFixed(4), us(timing.baseline.median), '', ''],
      ['classifyScreen', timing.classify.n, timing.classify.median.toFixed(4), timing.classify.p99.toFixed(4), us(timing.classify.median), ratio(timing.classify.median, timing.baseline.median), timing.classify.median <= TARGET_MS ? 'met' : 'NOT met'],
    ],
  );
  console.log(`\nslowest screens (median): ${slowest.map((s) => `${s.fixture} ${s.median.toFixed(4)} ms`).join(', ')}\n`);

  // Accuracy, by kind and label.
  const misread = [];
  const cells = new Map();
  for (const f of fixtures) {
    const reading = classifyScreen(f.kind, f.text);
    const got = reading.state ?? 'unknown';
    const key = `${f.kind}\t${f.label}`;
    const c = cells.get(key) ?? { kind: f.kind, label: f.label, right: 0, total: 0 };
    c.total++;
    if (got === f.label) c.right++;
    else misread.push({ fixture: `${f.kind}/${f.file}`, label: f.label, got, rule: reading.rule, line: reading.line });
    cells.set(key, c);
  }
  const rows = [...cells.values()].sort((a, b) => a.kind.localeCompare(b.kind) || LABELS.indexOf(a.label) - LABELS.indexOf(b.label));
  const byKind = new Map();
  for (const r of rows) {
    const k = byKind.get(r.kind) ?? { right: 0, total: 0 };
    k.right += r.right;
    k.total += r.total;
    byKind.set(r.kind, k);
  }
  const all = { right: fixtures.length - misread.length, total: fixtures.length };
  const table = [];
  for (const [kind, k] of byKind) {
    for (const r of rows.filter((r) => r.kind === kind)) table.push([kind, r.label, `${r.right}/${r.total}`, pct(r.right, r.total)]);
    table.push([kind, '(all)', `${k.right}/${k.total}`, pct(k.right, k.total)]);
  }
  table.push(['all kinds', '(all)', `${all.right}/${all.total}`, pct(all.right, all.total)]);
  printTable(['kind', 'label', 'right/total', '%'], table);
  if (misread.length) {
    console.log(`\n${misread.length} misread:`);
    for (const m of misread) console.log(`- ${m.fixture}: read ${m.got}${m.rule ? ` (rule ${m.rule} on ${JSON.stringify(m.line)})` : ''}`);
  }
  if (skipped.length) console.log(`\nskipped: ${skipped.join(', ')}`);
  if (markdown) {
    console.log('\n| kind | label | right / total | % |\n| --- | --- | ---: | ---: |');
    for (const [kind, label, rt, p] of table) console.log(`| ${kind} | ${label === '(all)' ? '**all**' : label} | ${rt} | ${p} |`);
  }

  const file = writeResults('screens', {
    targetMs: TARGET_MS,
    runs,
    batch,
    fixtures: fixtures.length,
    timing,
    slowest,
    accuracy: { all, byKind: Object.fromEntries(byKind), byLabel: rows },
    misread,
    skipped,
    wallSeconds: (now() - start) / 1000,
  });
  console.log(`\nresults: ${file}  (wall ${((now() - start) / 1000).toFixed(1)} s; median ${timing.classify.median.toFixed(3)} ms per screen)`);
  return 0;
}
