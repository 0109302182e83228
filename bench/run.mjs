// `npm run bench -- NAME [options]`: run bench/NAME.mjs. Without a known NAME, list the benchmarks.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCleanups } from './lib.mjs';

const dir = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && f !== 'lib.mjs')
  .map((f) => f.slice(0, -'.mjs'.length))
  .sort();

const load = (name) => import(pathToFileURL(join(dir, `${name}.mjs`)).href);

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  if (name) console.error(`unknown benchmark "${name}"\n`);
  console.error('usage: npm run bench -- NAME [options]\n\nbenchmarks:');
  for (const b of available) console.error(`  ${b.padEnd(10)} ${(await load(b)).description ?? ''}`);
  process.exit(2);
}

try {
  process.exitCode = (await (await load(name)).run(args)) ?? 0;
} catch (err) {
  console.error(`bench ${name} failed: ${err?.stack ?? err}`);
  process.exitCode = 1;
} finally {
  runCleanups();
}
