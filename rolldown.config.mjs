// `npm run build`, after tsc: bundle two entries in place with every module they import.
// - bin/flotilla's entry (dist/cli/entry.js): the commands agents run many times a minute load one
//   file instead of a dozen (see src/cli/entry.ts). The full CLI (main.js, imported by URL) stays out.
// - the detached supervisor's entry (dist/cli/supervise-entry.js), started by `up` (daemon.ts): one
//   file instead of a hundred-odd modules on every bring-up.
// proper-lockfile (loaded only to change shared files) stays outside both.
const common = { platform: 'node', external: ['proper-lockfile'] };
export default [
  { ...common, input: 'dist/cli/entry.js', output: { file: 'dist/cli/entry.js', format: 'esm', inlineDynamicImports: true } },
  { ...common, input: 'dist/cli/supervise-entry.js', output: { file: 'dist/cli/supervise-entry.js', format: 'esm', inlineDynamicImports: true } },
];
