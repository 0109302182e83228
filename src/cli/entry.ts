import { readFileSync } from 'node:fs';
import { parseFast } from './fast-path.js';

/**
 * bin/flotilla's entry. `--version`, the agent-side commands and `status` run
 * from here without commander (fast-path.ts); everything else goes to the
 * full CLI in main.ts. `npm run build` bundles this file with what it imports
 * into one (rolldown.config.mjs): loading each ES module costs Node about
 * 1.5 ms, and `flotilla hook` runs on every hook event of every agent.
 */
export async function start(argv: string[]): Promise<void> {
  if (argv[2] === '--version' || argv[2] === '-V') {
    process.stdout.write(`${version()}\n`);
    return;
  }
  const fast = parseFast(argv.slice(2));
  if (!fast) {
    // Imported by URL so that the bundler leaves the full CLI out of this file.
    const { main } = (await import(new URL('./main.js', import.meta.url).href)) as typeof import('./main.js');
    return main(argv);
  }
  try {
    const code = await (await fast.command.load()).run(...fast.args);
    process.exitCode = typeof code === 'number' ? code : 0;
  } catch (err) {
    process.exitCode = (await import('./handle-error.js')).handleError(err);
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
